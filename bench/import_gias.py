"""Import a national-scale GIAS establishments file (25,000 rows) and compare with pandas parsing the same file.

    python bench/import_gias.py [--quick] [--rows N]

The file is generated here in the names-only GIAS layout: the header and row shapes are copied at runtime from
../shared/data/gias/edubase_surrey_936_2021-04.csv (never committed), rows are cycled with fresh URNs and spread over
every LA in ../shared/data/lookups/la_and_region_codes.csv, so the import parses real GIAS values. It was written
before the `schoolsystem.synthetic` generator and kept, so that its figures compare with earlier runs. The import runs
into a fresh temporary SQLite database.

Prints the import time, the time of `pd.read_csv(path, encoding="cp1252", dtype=str)`, and their ratio; the last
line is `ratio=<import/parse>`. Before it, measured in the same run: the importer's own parse step (reading and
validating every cell), and a floor no importer code can go below on SQLite: the rows the import wrote
(establishments, memberships and their creation events) written again with the bare `sqlite3` module into empty
copies of their tables, with and without the tables' indexes.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("SCHOOLSYSTEM_SHARED_DATA") or ROOT.parent / "shared" / "data")
if not SHARED.exists():
    SHARED = Path("/work/shared/data")


def generate(path: Path, rows: int) -> None:
    source = (SHARED / "gias" / "edubase_surrey_936_2021-04.csv").read_bytes().decode("cp1252")
    reader = csv.reader(io.StringIO(source))
    header = next(reader)
    templates = list(reader)
    col = {name: i for i, name in enumerate(header)}
    with (SHARED / "lookups" / "la_and_region_codes.csv").open(encoding="utf-8-sig") as fh:
        las = [(r["LEA"], r["LA Name"], r["REGION NAME"]) for r in csv.DictReader(fh)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        row = list(templates[i % len(templates)])
        code, name, region = las[(i // 165) % len(las)]
        row[col["URN"]] = str(100000 + i)
        row[col["LA (code)"]] = code
        row[col["LA (name)"]] = name
        row[col["GOR (name)"]] = region
        row[col["EstablishmentNumber"]] = f"{1000 + i % 9000}"
        row[col["EstablishmentName"]] = f"{row[col['EstablishmentName']]} {i}"[:200]
        writer.writerow(row)
    path.write_bytes(out.getvalue().encode("cp1252"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,500 rows instead of 25,000")
    parser.add_argument("--rows", type=int)
    args = parser.parse_args()
    rows = args.rows or (2500 if args.quick else 25000)

    tmp = Path(tempfile.mkdtemp(prefix="bench_gias_"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolsystem.settings.dev")
    import django

    django.setup()
    import pandas as pd
    from django.conf import settings
    from django.core.management import call_command

    from schoolsystem.registry.imports import GiasEstablishmentImport
    from schoolsystem.registry.models import Establishment, Membership

    call_command("migrate", verbosity=0)
    path = tmp / "edubasealldata_national.csv"
    started = time.perf_counter()
    generate(path, rows)
    print(
        f"generated {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s"
    )

    started = time.perf_counter()
    pd.read_csv(path, encoding="cp1252", dtype=str)
    parse = time.perf_counter() - started

    started = time.perf_counter()
    result = GiasEstablishmentImport().run(path, progress=False)
    first = time.perf_counter() - started
    assert Establishment.objects.count() == rows, "every row imported"

    started = time.perf_counter()
    again = GiasEstablishmentImport().run(path, progress=False, force=True)
    second = time.perf_counter() - started

    print(f"import (new database): {first:.2f}s  {result.counts}")
    print(f"  {Membership.objects.count():,} memberships; notes: {'; '.join(result.notes)}")
    print(f"re-import (nothing changed): {second:.2f}s  {again.counts}")
    print(f"pandas read_csv (cp1252, dtype=str): {parse:.2f}s")
    read, write, bare = floors(path, Path(settings.DATABASES["default"]["NAME"]), tmp)
    print(
        f"of which the importer's parse step (read, check every cell, derive values): {read:.2f}s = {read / parse:.2f} x parse"
    )
    print(
        f"floor: the same establishments, memberships and events written by bare sqlite3 executemany: {write:.2f}s with the "
        f"tables' indexes ({write / parse:.2f} x parse), {bare:.2f}s without them ({bare / parse:.2f} x parse)"
    )
    print(f"import / pandas parse: {first / parse:.2f}")
    print(f"ratio={first / parse:.2f}")


def floors(path: Path, database: Path, tmp: Path) -> tuple[float, float, float]:
    """Seconds of the importer's parse step (read + validate + derived values) on `path`, and of inserting the
    rows the import wrote (establishments, memberships, audit events) with bare sqlite3 `executemany` into an empty copy of their tables,
    first with the tables' indexes, then without them."""
    import sqlite3

    from schoolsystem.registry.imports import GiasEstablishmentImport

    started = time.perf_counter()
    GiasEstablishmentImport().parse(path, None, path.name)
    read = time.perf_counter() - started
    source = sqlite3.connect(database)
    tables = ("registry_establishment", "registry_membership", "core_auditevent")
    rows = {t: source.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    schema = source.execute(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name IN (?, ?, ?) AND sql IS NOT NULL", tables
    ).fetchall()
    source.close()
    times = []
    for with_indexes in (True, False):
        copy = sqlite3.connect(tmp / f"floor_{with_indexes}.sqlite3")
        for kind, sql in schema:
            if kind == "table" or with_indexes:
                copy.execute(sql)  # sqlite3 leaves foreign keys unenforced: the other tables need not exist
        started = time.perf_counter()
        for table, values in rows.items():
            marks = ", ".join("?" * len(values[0]))
            copy.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
        copy.commit()
        times.append(time.perf_counter() - started)
        copy.close()
    return read, times[0], times[1]


if __name__ == "__main__":
    main()
