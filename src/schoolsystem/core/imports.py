"""One import pipeline for every published file (GIAS, KS2/KS4, Ofsted, census).

    pipeline = GiasEstablishmentImport()
    result = pipeline.run(path, user=None, dry_run=False)

Whole-file checks and row validation happen first (engines.tabular); nothing is written unless every row
passes. Writing happens in one transaction; a dry run performs the same writes and rolls them back, so the
counts it reports are exact. Each import leaves an ImportRecord (counts, who, the file's hash); importing the
same file twice is refused unless `force=True`.

Subclasses set `kind` and `schema`, and implement `write(frame, ctx) -> Counts`. They may override
`check(frame, ctx)` for cross-row or cross-table checks (raise TableError).
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import models, transaction
from tqdm import tqdm

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.models import ImportRecord
from schoolsystem.engines.tabular import CellError, Schema, TableError, read_csv, validate


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.rows} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.closed} closed"
        )


@dataclass
class ImportContext:
    path: Path
    name: str
    year: str | None
    user: object | None
    dry_run: bool
    progress: bool
    record: ImportRecord | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def actor_label(self) -> str:
        return (
            "" if getattr(self.user, "pk", None) else f"import:{self.record.kind if self.record else 'file'}"
        )

    def bar(self, total: int, desc: str):
        """A progress bar on stderr for long imports (hidden in tests and when not a terminal)."""
        return tqdm(
            total=total,
            desc=desc,
            unit="row",
            file=sys.stderr,
            disable=not self.progress or not sys.stderr.isatty(),
            leave=False,
        )


class ImportFailed(ValidationFailed):
    """Raised with every problem found; `errors` are CellError (file, row, column, message)."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__(str(TableError(errors)), extra={"errors": [str(e) for e in errors[:200]]})


class _DryRunRollback(Exception):
    pass


@dataclass
class ImportResult:
    counts: Counts
    record: ImportRecord | None
    dry_run: bool
    seconds: float
    notes: list[str]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ImportPipeline(ABC):
    """One kind of file: its schema, cross-row checks and how it writes; `run` does the rest (one transaction)."""

    kind: str = ""
    schema: Schema
    encoding: str | None = None  # None: sniff (UTF-8 with or without BOM, else Windows-1252)

    def year_from_name(self, name: str) -> str | None:
        """DfE names files '2018-2019_936_ks2final.csv': the year is the leading YYYY-YYYY."""
        match = re.match(r"(\d{4})-(\d{4})", name)
        return f"{match.group(1)}-{match.group(2)}" if match else None

    def schema_for(self, year: str | None) -> Schema:
        return self.schema.for_year(year)

    def parse(self, path: Path, year: str | None, name: str) -> pd.DataFrame:
        schema = self.schema_for(year)
        frame = read_csv(path, schema, encoding=self.encoding, name=name)
        return validate(frame, schema, name=name)

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:  # noqa: B027 - optional hook, not abstract
        """Cross-row or cross-table checks before writing; raise TableError. None by default."""

    @abstractmethod
    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        """Write the validated rows (inside run's transaction) and return what changed."""

    def run(
        self,
        path: str | Path,
        *,
        user=None,
        dry_run: bool = False,
        year: str | None = None,
        force: bool = False,
        progress: bool = True,
    ) -> ImportResult:
        path = Path(path)
        name = path.name
        if not path.exists():
            raise ImportFailed([CellError(name, None, None, "file not found")])
        started = time.perf_counter()
        year = year or self.year_from_name(name)
        sha = file_sha256(path)
        if not force and not dry_run and ImportRecord.objects.filter(kind=self.kind, sha256=sha).exists():
            previous = ImportRecord.objects.filter(kind=self.kind, sha256=sha).first()
            raise ImportFailed(
                [
                    CellError(
                        name,
                        None,
                        None,
                        f"this exact file was already imported on {previous.created_on:%d %B %Y %H:%M} "
                        "(use --force to import it again)",
                    )
                ]
            )
        try:
            frame = self.parse(path, year, name)
        except TableError as exc:
            raise ImportFailed(exc.errors) from exc
        ctx = ImportContext(path=path, name=name, year=year, user=user, dry_run=dry_run, progress=progress)
        counts = Counts()
        try:
            with transaction.atomic():
                ctx.record = ImportRecord.objects.create(
                    kind=self.kind,
                    file_name=name,
                    sha256=sha,
                    year=year or "",
                    imported_by=user if getattr(user, "pk", None) else None,
                    rows=len(frame),
                )
                try:
                    self.check(frame, ctx)
                except TableError as exc:
                    raise ImportFailed(exc.errors) from exc
                counts = self.write(frame, ctx)
                counts.rows = len(frame)
                for attr in ("created", "updated", "unchanged", "closed"):
                    setattr(ctx.record, attr, getattr(counts, attr))
                ctx.record.seconds = time.perf_counter() - started
                ctx.record.save()
                if dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            ctx.record = None
        return ImportResult(
            counts=counts,
            record=ctx.record,
            dry_run=dry_run,
            seconds=time.perf_counter() - started,
            notes=ctx.notes,
        )


# Registry of pipelines by kind, for `schoolsystem import KIND FILE`. Apps register theirs in AppConfig.ready().
PIPELINES: dict[str, type[ImportPipeline]] = {}


def register(kind: str):
    def deco(cls: type[ImportPipeline]) -> type[ImportPipeline]:
        cls.kind = kind
        PIPELINES[kind] = cls
        return cls

    return deco


def too_long(
    frame: pd.DataFrame,
    model: type[models.Model],
    columns: dict[str, str],
    name: str,
    *,
    fields: dict[str, str] | None = None,
) -> list[CellError]:
    """Cells longer than the model field allows (PostgreSQL refuses them part-way through an import; SQLite does
    not). `columns`: frame column -> its header in the file; `fields`: frame column -> model field, where the names
    differ. A cell of several values (GIAS's `~` lists) is too long when one of them is: each becomes a record."""
    errors = []
    for column, header in columns.items():
        max_length = model._meta.get_field((fields or {}).get(column, column)).max_length
        if column not in frame or not max_length:
            continue
        lengths = np.fromiter(map(_length, frame[column].to_numpy()), int, len(frame))
        for idx in np.flatnonzero(lengths > max_length)[:20]:
            errors.append(
                CellError(name, int(frame.index[idx]) + 2, header, f"is longer than {max_length} characters")
            )
    return errors


def _length(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple | list):
        return max(map(_length, value), default=0)
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):  # blank, NaN
        return 0
    return len(str(value))


def raise_if(errors: list[CellError]) -> None:
    """Raise the cell errors found by a pipeline's checks, in row and column order; nothing when there are none."""
    if errors:
        errors.sort(key=lambda e: (e.row or 0, e.column or ""))
        raise TableError(errors)
