"""Subcommands of the command-line interface, one module each (see engine.cli)."""
