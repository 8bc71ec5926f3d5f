"""Writes of the sharing app, one module per subject (agencies, online, requests, partner, notices,
networks).

Each service takes the acting `Actor` first and writes its own audit row. Import the modules
directly: ``alpr.access`` uses ``partner`` and ``agencies``, and ``requests`` uses ``alpr.access``.
"""
