"""Entry point of ``python -m engine``."""

import sys


def _main() -> int:
    """Import the CLI and run it; Ctrl-C during the import is one line too."""
    try:
        from engine.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    return main()


sys.exit(_main())
