"""Audit: one record per message and per recipient decision, nothing sensitive in clear."""
