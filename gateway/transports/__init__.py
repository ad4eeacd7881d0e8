"""Transports: the ways a message can leave the gateway."""
