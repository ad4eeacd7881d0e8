"""Tests, mirroring the modules; a package so that tests/gateway never shadows the real gateway."""
