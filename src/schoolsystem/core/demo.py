"""What `manage.py demo_data` hands to each app's `demo.load(ctx)`."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Apps whose `<app>.demo.load(ctx)` runs, in this order, after the registry is imported.
DEMO_APPS = [
    "registry",
    "performance",
    "improvement",
    "accreditation",
    "brokerage",
]  # brokerage uses the accredited pool


@dataclass
class DemoContext:
    la: Any  # registry.LocalAuthority of the demo system
    users: dict[str, Any]  # role -> User (apps may add more)
    seed: int
    out_dir: Path
    log: Callable[[str], None] = print
    passwords: dict[str, str] = field(default_factory=dict)  # username -> password, printed at the end
