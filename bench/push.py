"""`make bench-push`: rows per second pushed to the sandbox, 10,000 Reveal contacts by default.

The sandbox runs as a real process (``python -m addin.sandbox --port 0``, as ``client-import
sandbox`` starts it), on a free port with its own SQLite file in a temporary folder; every
first push gets a fresh sandbox and a fresh journal, so that all its rows are new. Measured:

- **first push**: ``push_file`` end to end on a CSV, mode upsert, every row created: reading,
  checking, journal, HTTP batches of 100 and the outcomes written back (side files);
- **same push again**: the same file, journal and sandbox: every row unchanged;
- **where the first push's time goes**: reading + checking alone (``load_table`` +
  ``plan_export``), building the records and their keys alone, the time spent in
  ``connector.send`` (HTTP, including the sandbox's own work, which is also measured apart
  by calling its API in this process), in the journal's methods (timed by a subclass), and the
  write-back alone (``row_outcomes`` + ``write_outcomes`` after a push run with
  ``write_back=False``; the difference between the two pushes is shown too);
- **batch size**: the same first push with batches of 25, 100 and 500 (the sandbox is started
  with ``--max-batch 500``);
- **xlsx**: the same first push from a workbook, written back in place (backup copy included),
  and that write-back alone;
- **the command**: ``client-import push FILE -p reveal --target URL`` as a process (``python
  -m addin``), token from ``CLIENT_IMPORT_TOKEN`` and journal in ``$CLIENT_IMPORT_DATA_DIR``,
  process start and imports included.

Why Reveal: Hokus is pushed in ``update_only`` (an unknown key is an error), so its first push
cannot create anything; Reveal has no mode list, hence upsert, and its rows have no key column,
hence a fingerprint of the values as key, which is what a push of such a profile does.

Each measure runs ``--repeat`` times (3 by default) and the median is shown; the spread goes to
stderr. A warm-up push of 200 rows runs first, so that imports and lazily loaded metadata are
not charged to the first measure. Everything is written in a temporary folder, removed at the
end, and the sandbox processes are stopped.

``python -m bench.push 10000 --repeat 3``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from addin.connectors.connector import Outcome, Record, RemoteRecord
from addin.connectors.generic import GenericConnector
from addin.connectors.http import HttpClient
from addin.connectors.journal import DATA_DIR_ENV, Journal, records_fingerprint
from addin.connectors.secrets import TOKEN as TOKEN_KIND
from addin.core.export import plan_export
from addin.core.fields.text import strip_accents
from addin.core.profiles import get_profile
from addin.core.push_plan import outgoing_rows
from addin.files.outcome_writer import write_outcomes
from addin.sandbox.api import Limits, Request, SandboxApi
from addin.sandbox.process import sandbox_process
from addin.sandbox.store import RecordStore
from addin.usecases.pushing import PushRequest, PushResult, history_line, push_file, row_outcomes
from addin.usecases.validation import load_table
from bench.data import FIRST, LAST

PROFILE = get_profile("reveal")
COLLECTION = PROFILE.api.collection or PROFILE.name
BATCH_SIZES = (25, 100, 500)
DEFAULT_BATCH = 100
TOKEN = secrets.token_hex(16)

HEADERS = [
    "Prénom",
    "Nom de famille",
    "Entreprise",
    "Courriel 1",
    "Courriel 2",
    "Téléphone 1",
    "Mobile 1",
    "Adresse 1",
]
STREETS = ["rue des Érables", "boul. Laurier", "avenue Cartier", "chemin Sainte-Foy", "rue Haute"]
PLACES = [
    ("Québec", "G1R 4P5"),
    ("Lévis", "G6V 4Z2"),
    ("Montréal", "H2X 1Y4"),
    ("Gatineau", "J8X 3X7"),
    ("Sherbrooke", "J1H 1A1"),
]
AREA_CODES = ["418", "581", "514", "438", "450", "819"]


def reveal_rows(count: int, seed: int = 7) -> list[list[str]]:
    """Contacts as an accountant's export holds them: every row valid for Reveal, landlines
    typed the North American way (the export normalises them to +1), a mobile on two rows in
    three, a company on one in four; the e-mail carries the row number, so no two rows are
    the same record."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, postal_code = rng.choice(PLACES)
        phone = f"{rng.choice(AREA_CODES)}-{rng.randrange(200, 999)}-{rng.randrange(10**4):04d}"
        mobile = f"+1 581-{rng.randrange(200, 999)}-{rng.randrange(10**4):04d}" if n % 3 else ""
        email = f"{strip_accents(first).lower()}.{strip_accents(last).lower()}{n}@exemple.ca"
        rows.append(
            [
                first,
                last,
                f"{last} et fils inc." if n % 4 == 0 else "",
                email,
                f"contact{n}@{strip_accents(last).lower()}.exemple.ca" if n % 4 == 0 else "",
                phone,
                mobile,
                f"{rng.randrange(1, 999)} {rng.choice(STREETS)}, {city}, QC {postal_code}",
            ]
        )
    return rows


def write_csv(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(reveal_rows(count))
    return path


def write_xlsx(path: Path, count: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(PROFILE.file.export.sheet_name or "Contacts")
    sheet.append(HEADERS)
    for row in reveal_rows(count):
        sheet.append(row)
    book.save(path)
    return path


# --- timing the connector and the journal -----------------------------------------------------


class TimedConnector:
    """The generic connector, with the seconds spent in its requests added up."""

    def __init__(self, inner: GenericConnector) -> None:
        self.inner = inner
        self.batch_size = inner.batch_size
        self.seconds = 0.0
        self.requests = 0

    def send(self, records: Sequence[Record], *, create_only: bool) -> list[Outcome]:
        start = time.perf_counter()
        try:
            return self.inner.send(records, create_only=create_only)
        finally:
            self.seconds += time.perf_counter() - start
            self.requests += 1

    def existing(self) -> Iterator[RemoteRecord]:
        return self.inner.existing()

    def delete(self, key: str) -> bool:
        return self.inner.delete(key)

    def close(self) -> None:
        self.inner.close()


def _timed(name: str, per_batch: bool = False) -> Callable[..., Any]:
    """``Journal.<name>``, its time added to the journal's ``seconds`` (and ``per_batch``)."""
    method = getattr(Journal, name)

    def timed(self: TimedJournal, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            self.seconds += spent
            if per_batch:
                self.per_batch += spent

    return timed


class TimedJournal(Journal):
    """The journal, with the seconds spent in the methods a push calls added up; apart, those
    of the two transactions each batch makes (``mark_sent`` and ``record``)."""

    seconds = 0.0
    per_batch = 0.0

    start_or_resume = _timed("start_or_resume")
    pending = _timed("pending")
    entries = _timed("entries")
    mark_sent = _timed("mark_sent", per_batch=True)
    record = _timed("record", per_batch=True)
    mark_not_sent = _timed("mark_not_sent")
    finish = _timed("finish")


# --- one push ---------------------------------------------------------------------------------

Figures = dict[str, float]


@contextmanager
def platform(folder: Path, data: Path) -> Iterator[tuple[str, Path, Path]]:
    """A fresh sandbox process, journal path and copy of ``data`` in ``folder``: (url, journal,
    file). The process is stopped when the block ends."""
    folder.mkdir()
    copy = Path(shutil.copy(data, folder / data.name))
    with sandbox_process(folder / "sandbox.sqlite", TOKEN, max_batch=max(BATCH_SIZES)) as url:
        yield url, folder / "journal.sqlite3", copy


def push(
    url: str,
    journal_path: Path,
    path: Path,
    *,
    batch_size: int = DEFAULT_BATCH,
    write_back: bool = True,
    expect: str = "created",
) -> tuple[Figures, PushRequest, PushResult]:
    """One ``push_file`` run; its seconds, HTTP seconds, journal seconds and request count."""
    http = HttpClient(url, name=PROFILE.platform)
    connector = TimedConnector(GenericConnector(http, COLLECTION, TOKEN, batch_size))
    journal = TimedJournal.open(journal_path)
    assert isinstance(journal, TimedJournal)
    request = PushRequest(path, PROFILE, url, "upsert", write_back=write_back)
    try:
        start = time.perf_counter()
        result = push_file(request, connector, journal)
        seconds = time.perf_counter() - start
    finally:
        connector.close()
        journal.close()
    _check(result, expect)
    figures = {
        "seconds": seconds,
        "http": connector.seconds,
        "journal": journal.seconds,
        "journal_batches": journal.per_batch,
        "requests": float(connector.requests),
    }
    return figures, request, result


def _check(result: PushResult, expect: str) -> None:
    """Every row answered ``expect``, nothing held back, the outcomes written if asked."""
    assert result.push is not None
    counts = result.push.counts
    got = {"created": counts.created, "unchanged": counts.unchanged}.get(expect, -1)
    if got != counts.total or result.invalid or result.stopped or result.write_error:
        raise RuntimeError(
            f"expected every row {expect}: {counts}, {len(result.invalid)} held back, "
            f"stopped: {result.stopped}, write-back: {result.write_error}"
        )


def cli_push(url: str, folder: Path, path: Path) -> float:
    """``client-import push FILE -p reveal --target URL`` as a process, as a user runs it:
    the token from the environment, the journal in ``$CLIENT_IMPORT_DATA_DIR``."""
    env = {**os.environ, TOKEN_KIND.env_var: TOKEN, DATA_DIR_ENV: str(folder / "data")}
    command = [sys.executable, "-m", "addin", "push", str(path), "-p", PROFILE.name]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--target", url], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0 or "créés" not in done.stdout:
        raise RuntimeError(f"client-import push failed: {done.stdout}{done.stderr}")
    return seconds


def write_back_seconds(request: PushRequest, result: PushResult) -> float:
    """What ``push_file`` does after the batches when ``write_back`` is on, timed alone."""
    table = load_table(request.path, None, PROFILE)
    start = time.perf_counter()
    outcomes = row_outcomes(result, PROFILE, request.lang)
    write_outcomes(
        request.path,
        table.source.sheet or "",
        table.source.header_row,
        outcomes,
        history_line(result, request),
        lang=request.lang,
    )
    return time.perf_counter() - start


def read_and_records(path: Path) -> Figures:
    """Reading + checking alone, then building the records and their keys alone."""
    start = time.perf_counter()
    plan = plan_export(load_table(path, None, PROFILE), PROFILE, "fr")
    checked = time.perf_counter()
    rows = outgoing_rows(plan, PROFILE)
    records_fingerprint(Record(r.key, r.fields) for r in rows)
    done = time.perf_counter()
    return {"read": checked - start, "records": done - checked}


def sandbox_work(path: Path, folder: Path) -> float:
    """The sandbox's own work for the first push (token check, JSON in and out, checks, SQLite
    upserts), its API called in this process without HTTP, batches of 100."""
    plan = plan_export(load_table(path, None, PROFILE), PROFILE, "fr")
    records = [{"key": r.key, "fields": r.fields} for r in outgoing_rows(plan, PROFILE)]
    bodies = [
        json.dumps({"upsert": records[i : i + DEFAULT_BATCH]}).encode()
        for i in range(0, len(records), DEFAULT_BATCH)
    ]
    folder.mkdir()
    with RecordStore(folder / "sandbox.sqlite") as store:
        api = SandboxApi(store, TOKEN, Limits())
        start = time.perf_counter()
        for body in bodies:
            reply = api.handle(
                Request("POST", f"/records/{COLLECTION}/batch", f"Bearer {TOKEN}", body)
            )
            reply.encoded()
        return time.perf_counter() - start


# --- one round of every measure ---------------------------------------------------------------


def one_round(csv_path: Path, xlsx_path: Path, work: Path) -> Figures:
    """Every measure once, each first push in a fresh sandbox and journal."""
    got: Figures = {}

    def keep(prefix: str, figures: Figures) -> None:
        got.update({f"{prefix}.{name}": value for name, value in figures.items()})

    keep("csv", read_and_records(csv_path))
    keep("xlsx", read_and_records(xlsx_path))
    got["sandbox_work"] = sandbox_work(csv_path, work / "in-process")
    with platform(work / "first", csv_path) as (url, journal, path):
        keep("first", push(url, journal, path)[0])
        keep("again", push(url, journal, path, expect="unchanged")[0])
    with platform(work / "no-write-back", csv_path) as (url, journal, path):
        figures, request, result = push(url, journal, path, write_back=False)
        keep("nowb", figures)
        got["write_back.csv"] = write_back_seconds(request, result)
    for size in BATCH_SIZES:
        if size == DEFAULT_BATCH:
            first = {k.removeprefix("first."): v for k, v in got.items() if k.startswith("first.")}
            keep(f"batch{size}", first)  # the same push as the first one above
            continue
        with platform(work / f"batch-{size}", csv_path) as (url, journal, path):
            keep(f"batch{size}", push(url, journal, path, batch_size=size)[0])
    with platform(work / "cli", csv_path) as (url, journal, path):
        got["cli.seconds"] = cli_push(url, journal.parent, path)
    with platform(work / "xlsx", xlsx_path) as (url, journal, path):
        keep("xlsx_first", push(url, journal, path)[0])
    with platform(work / "xlsx-no-write-back", xlsx_path) as (url, journal, path):
        figures, request, result = push(url, journal, path, write_back=False)
        keep("xlsx_nowb", figures)
        got["write_back.xlsx"] = write_back_seconds(request, result)
    return got


def warm_up(work: Path) -> None:
    """A small push first: imports, phone metadata and the first connection are not charged to
    the measures."""
    folder = work / "warm-up"
    folder.mkdir()
    data = write_csv(folder / "contacts.csv", 200)
    with platform(folder / "platform", data) as (url, journal, path):
        push(url, journal, path)


# --- the tables -------------------------------------------------------------------------------


def table_lines(rows: int, median: Callable[[str], float]) -> list[str]:
    def rate(key: str) -> str:
        return f"{rows / median(key):,.0f}"

    def line(label: str, prefix: str, note: str) -> str:
        return (
            f"| {label} | {median(prefix + '.seconds'):.2f} | {rate(prefix + '.seconds')} "
            f"| {median(prefix + '.requests'):.0f} | {median(prefix + '.http'):.2f} "
            f"| {median(prefix + '.journal'):.2f} | {note} |"
        )

    lines = [
        f"| {rows:,} Reveal rows, mode upsert | s | rows/s | requests | in HTTP (s) "
        "| in journal (s) | |",
        "|---|---:|---:|---:|---:|---:|---|",
        line("first push, CSV, batches of 100", "first", "all created, outcomes in side files"),
        line("same push again", "again", "all unchanged"),
        line("first push, no write-back", "nowb", "`write_back=False`"),
    ]
    lines += [
        line(f"first push, batches of {size}", f"batch{size}", "all created")
        for size in BATCH_SIZES
    ]
    lines += [
        line("first push, xlsx", "xlsx_first", "all created, written back in place"),
        f"| first push, CSV, `client-import push` | {median('cli.seconds'):.2f} "
        f"| {rate('cli.seconds')} | {median('first.requests'):.0f} | | "
        "| the command as a process: start and imports included |",
    ]
    first = median("first.seconds")
    http, journal = median("first.http"), median("first.journal")
    read, records = median("csv.read"), median("csv.records")
    write_back = median("write_back.csv")
    server = median("sandbox_work")
    rest = first - http - journal - read - records - write_back

    def part(label: str, seconds: float, what: str) -> str:
        return f"| {label} | {seconds:.2f} | {seconds / first:.0%} | {what} |"

    lines += [
        "",
        f"| first push, CSV, {rows:,} rows | s | share | what |",
        "|---|---:|---:|---|",
        part("reading + checking", read, "`load_table` + `plan_export`, alone"),
        part("records and keys", records, "`outgoing_rows` + `records_fingerprint`, alone"),
        part(
            "HTTP",
            http,
            f"`connector.send`, {median('first.requests'):.0f} requests, round trip included",
        ),
        part(
            "- of which the sandbox's work",
            server,
            "its API called in process: token, JSON in and out, checks, SQLite",
        ),
        part("journal", journal, "`start_or_resume`, `mark_sent`, `record`, `entries`..."),
        part(
            "- of which the batches' transactions",
            median("first.journal_batches"),
            f"`mark_sent` + `record`: {2 * median('first.requests'):.0f} transactions",
        ),
        part("write-back", write_back, "`row_outcomes` + `write_outcomes`, CSV side files"),
        part("rest", rest, "what the parts above leave of the total"),
        part("total", first, "`push_file` end to end"),
        "",
        f"Write-back difference (with minus without): CSV "
        f"{first - median('nowb.seconds'):.2f} s, xlsx "
        f"{median('xlsx_first.seconds') - median('xlsx_nowb.seconds'):.2f} s; alone: CSV "
        f"{write_back:.2f} s, xlsx {median('write_back.xlsx'):.2f} s. Reading + checking "
        f"alone: CSV {read:.2f} s, xlsx {median('xlsx.read'):.2f} s.",
    ]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.push", description=__doc__)
    parser.add_argument("rows", nargs="?", type=int, default=10_000, help="rows pushed")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (the median is shown)")
    args = parser.parse_args(argv)
    runs: defaultdict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench-push-") as temporary:
        work = Path(temporary)
        csv_path = write_csv(work / "contacts.csv", args.rows)
        xlsx_path = write_xlsx(work / "contacts.xlsx", args.rows)
        warm_up(work)
        for number in range(args.repeat):
            rounds = work / f"round-{number}"
            rounds.mkdir()
            for key, value in one_round(csv_path, xlsx_path, rounds).items():
                runs[key].append(value)
            shutil.rmtree(rounds)
            print(
                f"round {number + 1}: first push {runs['first.seconds'][-1]:.2f} s, "
                f"again {runs['again.seconds'][-1]:.2f} s",
                file=sys.stderr,
            )
    for key in sorted(runs):
        values = runs[key]
        print(
            f"  {key}: median {statistics.median(values):.3f} "
            f"({min(values):.3f}-{max(values):.3f})",
            file=sys.stderr,
        )
    print("\n".join(table_lines(args.rows, lambda key: statistics.median(runs[key]))))


if __name__ == "__main__":
    main()
