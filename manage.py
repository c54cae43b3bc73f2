#!/usr/bin/env python
"""Django's command-line utility; `convene` (convene/cli.py) is the same with a few extras."""

import sys

from convene.cli import main

if __name__ == "__main__":
    sys.exit(main())
