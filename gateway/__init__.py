"""Mailvagt gateway: SMTP in, scan, route, deliver, audit."""

__version__ = "0.1.0"
