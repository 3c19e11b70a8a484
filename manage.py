#!/usr/bin/env python
import os
import sys
from pathlib import Path

# Run this checkout's code even when the virtualenv has another checkout installed (git worktrees).
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolsystem.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
