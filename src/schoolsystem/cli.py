"""The `schoolsystem` console command: Django's management commands under the project's own name.

schoolsystem import gias FILE [--dry-run]
schoolsystem demo-data | risk backtest | broker ... | runserver | migrate ...

`schoolsystem` alone (or `help`, `--help`) lists the project's own commands first, each with its one-line purpose,
then points to Django's. Hyphens and underscores are the same in command names (`demo-data` is `demo_data`).
"""

import os
import sys

HELP_WORDS = {"help", "--help", "-h"}


def project_commands() -> list[tuple[str, str]]:
    """(name as typed, first line of its help) for the management commands this project defines."""
    from django.core.management import get_commands, load_command_class

    found = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("schoolsystem."):
            summary = (load_command_class(app, name).help or "").strip().splitlines()
            shown = "import" if name == "import_data" else name.replace("_", "-")
            found.append((shown, summary[0] if summary else ""))
    return found


def usage() -> str:
    rows = project_commands()
    width = max(len(name) for name, _ in rows)
    lines = [
        "Usage: schoolsystem COMMAND [options]   (schoolsystem COMMAND --help for a command's options)",
        "",
    ]
    lines += ["The platform's commands:"]
    lines += [f"  {name.ljust(width)}  {summary}" for name, summary in rows]
    lines += [
        "",
        "Django's own commands (migrate, runserver, createsuperuser, ...): schoolsystem help --commands",
    ]
    return "\n".join(lines)


def command_name(word: str) -> str:
    """The management command a typed word means: `import` is `import_data` (`import` is reserved in Python
    module names); `demo-data` is `demo_data`."""
    if word == "import":
        return "import_data"
    return word.replace("-", "_") if not word.startswith("-") else word


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolsystem.settings.dev")
    import django
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (len(args) == 1 and args[0] in HELP_WORDS):
        django.setup()
        print(usage())
        return
    args[0] = command_name(args[0])
    execute_from_command_line(["schoolsystem", *args])


if __name__ == "__main__":
    main()
