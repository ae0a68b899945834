"""Subcommands of the ``structure-lab`` command line (one module each)."""
