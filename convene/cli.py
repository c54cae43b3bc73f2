"""The `convene` console script: every Django management command, plus `serve`.

`convene serve` migrates and runs the web server, `convene demo` loads the
synthetic partnership, `convene policy ...` checks and explains policy packs.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "convene"
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - reads the environment now, to report it cleanly
    except ImproperlyConfigured as error:
        # A configuration mistake is the operator's, not a crash: one line naming the variable.
        print(f"convene: configuration error: {error}", file=sys.stderr)
        return 2
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
