"""`schoolsystem import KIND FILE [--dry-run] [--year YYYY-YYYY] [--force]`"""

from django.core.management.base import BaseCommand, CommandError

from schoolsystem.core.imports import PIPELINES, ImportFailed


class Command(BaseCommand):
    help = "Import a published data file (all or nothing). Kinds: " + ", ".join(sorted(PIPELINES)) + "."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file is: " + ", ".join(sorted(PIPELINES)))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report counts; write nothing"
        )
        parser.add_argument("--year", help="academic year YYYY-YYYY (default: from the DfE file name)")
        parser.add_argument(
            "--force", action="store_true", help="import even if this exact file was imported before"
        )

    def handle(self, *args, kind, file, dry_run, year, force, **options):
        if kind not in PIPELINES:
            raise CommandError(f"unknown kind {kind!r}; choose from: {', '.join(sorted(PIPELINES))}")
        try:
            result = PIPELINES[kind]().run(file, dry_run=dry_run, year=year, force=force)
        except ImportFailed as exc:
            raise CommandError(exc.message) from exc
        prefix = "Dry run (nothing written): " if dry_run else "Imported: "
        self.stdout.write(self.style.SUCCESS(f"{prefix}{file}: {result.counts} in {result.seconds:.1f}s"))
        for note in result.notes:
            self.stdout.write(f"  {note}")
