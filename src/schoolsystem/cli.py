"""The `schoolsystem` console command: Django's management commands under the project's own name.

schoolsystem import gias FILE [--dry-run]
schoolsystem demo-data | risk backtest | broker ... | runserver | migrate ...
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolsystem.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    # `schoolsystem import gias FILE` reads better than `import_data gias FILE`: `import` is reserved in Python
    # module names, so the management command is `import_data` and the CLI maps the word.
    if args and args[0] == "import":
        args[0] = "import_data"
    execute_from_command_line(["schoolsystem", *args])


if __name__ == "__main__":
    main()
