"""Detectors: text parts -> findings -> classification."""
