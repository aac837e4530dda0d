"""Deployment files: the front web server's configuration and how to run it."""
