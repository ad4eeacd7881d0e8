"""Routing: verdict + recipients -> one action per recipient."""
