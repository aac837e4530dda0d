"""Lesson and replay video as HLS: conversion with ffmpeg, per-viewer signed links, views.

``ffmpeg``: probing and converting files of a local folder.
``services``: queueing, converting, retrying and sweeping conversions (MediaStream rows).
``tokens``: the signed links a viewer's player follows.
``views``: the permission-checked entry points and the signed playlists and segments.
"""
