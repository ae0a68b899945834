"""Entry point of ``python -m engine``."""

import sys


def _main() -> int:
    """Import the CLI and run it; Ctrl-C during the import is one line too."""
    try:
        from engine.cli import console
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    return console()


sys.exit(_main())
