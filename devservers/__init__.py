"""Local stand-ins of outside services, for development and tests."""
