"""Command-line subcommands: each module here defines ``register(subparsers)``."""
