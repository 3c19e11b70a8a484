"""`manage.py demo_data [--schools 450] [--seed 2026] [--out var/demo-data] [--force]`

Builds the demo system the way a real one is built: generates a synthetic LA in the published GIAS formats,
imports the files through the real import pipelines, creates one demo user per role (scoped sensibly) and
an `admin` superuser, then runs each app's `demo.load(ctx)` (core.demo.DEMO_APPS, in order). Passwords are
random for each run, printed in a table at the end and written to var/demo-users.txt.
"""

from __future__ import annotations

import importlib
import secrets
import string
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from schoolsystem.accounts.constants import ROLE_SCOPE, Role
from schoolsystem.core.demo import DEMO_APPS, DemoContext
from schoolsystem.core.imports import PIPELINES, ImportFailed
from schoolsystem.registry.constants import OPEN_STATUSES, GroupType
from schoolsystem.registry.models import Establishment, Group, LocalAuthority
from schoolsystem.synthetic import generate_system

DEMO_LA_CODE = "936"
DEMO_LA_NAME = "Wealdshire"
DEMO_REGION = "South East"

# Import order matters: groups before the schools that name them, schools before links and memberships.
IMPORTS = (
    ("gias-groups", "groups"),
    ("gias", "establishments"),
    ("gias-links", "links"),
    ("gias-memberships", "memberships"),
)


def strong_password(length: int = 16) -> str:
    """A random password with upper, lower and digits, without look-alike characters."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


class Command(BaseCommand):
    help = "Generate and import a synthetic local school system, create demo users and load each app's demo."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=450, help="open establishments to generate")
        parser.add_argument("--seed", type=int, default=2026, help="seed for the generator and app loaders")
        parser.add_argument(
            "--out", type=Path, default=None, help="where the generated files go (var/demo-data)"
        )
        parser.add_argument(
            "--users-file", type=Path, default=None, help="where the user table goes (var/demo-users.txt)"
        )
        parser.add_argument(
            "--force", action="store_true", help="load even if the registry already holds establishments"
        )

    # ------------------------------------------------------------------------------------------ helpers

    def log(self, line: str) -> None:
        self.stdout.write(line)

    @contextmanager
    def stage(self, label: str):
        started = time.perf_counter()
        self.log(f"{label} ...")
        yield
        self.log(f"  done in {time.perf_counter() - started:.1f}s")

    # ------------------------------------------------------------------------------------------ handle

    def handle(self, *args, schools, seed, out, users_file, force, **options):
        out = out or Path(settings.VAR_DIR) / "demo-data"
        users_file = users_file or Path(settings.VAR_DIR) / "demo-users.txt"
        if Establishment.objects.exists() and not force:
            raise CommandError(
                "the registry already holds establishments: demo_data loads into an empty database "
                "(`./run demo` builds a fresh one). Use --force to load on top anyway."
            )
        missing = [kind for kind, _ in IMPORTS if kind not in PIPELINES]
        if missing:
            raise CommandError(
                f"import pipeline(s) {', '.join(missing)} are not registered (known: "
                f"{', '.join(sorted(PIPELINES)) or 'none'}); the demo imports through the real GIAS importers "
                "and cannot continue without them."
            )
        started = time.perf_counter()

        with self.stage(f"Generating a synthetic local system ({schools} establishments, seed {seed})"):
            paths = generate_system(
                out,
                schools=schools,
                seed=seed,
                la_code=DEMO_LA_CODE,
                la_name=DEMO_LA_NAME,
                region=DEMO_REGION,
            )
            for table, path in paths.items():
                self.log(f"  {table}: {path}")

        for kind, table in IMPORTS:
            with self.stage(f"Importing {paths[table].name} ({kind})"):
                try:
                    result = PIPELINES[kind]().run(paths[table], force=True, progress=False)
                except ImportFailed as exc:
                    raise CommandError(
                        f"importing the generated {table} file failed:\n{exc.message}"
                    ) from exc
                self.log(f"  {result.counts}")

        la = LocalAuthority.objects.filter(code=DEMO_LA_CODE).first()
        if la is None:
            raise CommandError(f"the import did not create the demo LA {DEMO_LA_CODE}")

        with self.stage("Creating demo users"):
            users, passwords = self.create_users(la)
        ctx = DemoContext(la=la, users=users, seed=seed, out_dir=Path(out), log=self.log, passwords=passwords)

        for app in DEMO_APPS:
            module_name = f"schoolsystem.{app}.demo"
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise CommandError(f"the {app} demo loader could not be imported: {exc}") from exc
                self.log(f"{app}: no demo loader")
                continue
            with self.stage(f"Loading the {app} demo"):
                try:
                    module.load(ctx)
                except Exception as exc:
                    self.stderr.write(traceback.format_exc())
                    raise CommandError(
                        f"the {app} demo loader ({module_name}.load) failed: {type(exc).__name__}: {exc}"
                    ) from exc

        table = self.user_table(ctx)
        users_file.parent.mkdir(parents=True, exist_ok=True)
        users_file.write_text(table + "\n", encoding="utf-8")
        self.log("")
        self.log(f"Demo users (also in {users_file}):")
        self.log(table)
        self.log(self.style.SUCCESS(f"Demo loaded in {time.perf_counter() - started:.1f}s"))

    # ------------------------------------------------------------------------------------------ users

    def scopes(self, la: LocalAuthority) -> dict[str, dict]:
        open_in_la = Q(memberships__left_on__isnull=True, memberships__establishment__la=la)
        largest_mat = (
            Group.objects.filter(group_type=GroupType.MULTI_ACADEMY_TRUST)
            .annotate(schools=Count("memberships", filter=open_in_la))
            .filter(schools__gt=0)
            .order_by("-schools", "name")
            .first()
        )
        if largest_mat is None:
            raise CommandError(f"no multi-academy trust has schools in {la}: cannot scope the trust leader")
        primaries = Establishment.objects.filter(
            la=la, status__in=OPEN_STATUSES, phase="Primary", state_funded=True
        )
        school = (
            primaries.filter(memberships__group=largest_mat, memberships__left_on__isnull=True)
            .order_by("urn")
            .first()
            or primaries.order_by("urn").first()
        )
        if school is None:
            raise CommandError(f"no open primary school in {la}: cannot scope the school leader")
        return {
            "la": {"scope_la": la},
            "region": {"scope_region": la.region_name or DEMO_REGION},
            "group": {"scope_group": largest_mat},
            "establishment": {"scope_establishment": school},
            "none": {},
        }

    def create_users(self, la: LocalAuthority):
        from schoolsystem.accounts.models import User

        scopes = self.scopes(la)
        users: dict[str, User] = {}
        passwords: dict[str, str] = {}
        for role in Role:
            username = role.value
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = role.value
            user.first_name = "Demo"
            user.last_name = role.label
            for field in ("scope_la", "scope_region", "scope_group", "scope_establishment"):
                setattr(user, field, "" if field == "scope_region" else None)
            for field, value in scopes[ROLE_SCOPE[role]].items():
                setattr(user, field, value)
            passwords[username] = strong_password()
            user.set_password(passwords[username])
            user.full_clean(exclude=["password"])
            user.save()
            users[role.value] = user
        admin = User.objects.filter(username="admin").first() or User(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.role = Role.PUBLIC
        passwords["admin"] = strong_password()
        admin.set_password(passwords["admin"])
        admin.save()
        return users, passwords

    def user_table(self, ctx: DemoContext) -> str:
        from schoolsystem.accounts.models import User

        by_name = {u.username: u for u in User.objects.filter(username__in=list(ctx.passwords))}
        rows = [("username", "role", "scope", "password")]
        for username, password in ctx.passwords.items():
            user = by_name.get(username)
            if user is None:
                continue
            role = "administrator" if user.is_superuser else user.get_role_display()
            rows.append((username, role, user.scope_label, password))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)
