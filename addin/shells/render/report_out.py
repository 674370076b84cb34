"""The report written for a program (``--json``) or to a file (``--report FILE.csv|.txt``).

The JSON keeps one issue a line: ``json.dumps(..., indent=2)`` falls back to the pure-Python
encoder (0.8 s for 100,000 issues), while the C encoder writes each issue in microseconds and
the file stays readable and greppable line by line. The contract (keys, values) is unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from addin.core.catalogue import Lang
from addin.core.report import Report
from addin.errors import UsageError
from addin.files.csv_writer import write_csv
from addin.files.safe_files import check_output, write_replacing, writing_errors
from addin.shells.render.terminal import report_lines

#: The ``--report`` kinds, by file suffix.
REPORT_SUFFIXES = (".csv", ".txt")


def report_json(report: Report, lang: Lang) -> str:
    """``validate --json``: the report's dictionary, its lists written one item a line."""
    return _dumps(report.to_dict(lang))


def _dumps(data: dict[str, Any]) -> str:
    """Top-level keys one a line, lists one item a line, each item compact.

    A list of dictionaries is encoded in one C call, then cut between items: every item opens
    with the same first key, and ``}, {"row": `` cannot occur inside an encoded string (a quote
    in a string is written ``\\"``), so the cut never falls inside a value.
    """
    dumps = json.dumps
    parts = []
    for key, value in data.items():
        text = dumps(value, ensure_ascii=False)
        if isinstance(value, list) and value:
            text = "[\n    " + text[1:-1] + "\n  ]"
            if isinstance(value[0], dict) and value[0]:
                first = dumps(next(iter(value[0])))
                text = text.replace("}, {" + first + ": ", "},\n    {" + first + ": ")
        parts.append(f"  {dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def check_report_path(path: Path, reads: Path, overwrite: bool, lang: Lang) -> None:
    """Refused before the check runs: a kind we do not write, the file checked, a missing
    folder, an existing file without ``--force``."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(
            f"--report écrit un fichier .csv ou .txt, pas « {path.name} » "
            "(pour un classeur marqué : --annotate COPIE.xlsx)"
            if lang == "fr"
            else f"--report writes a .csv or .txt file, not “{path.name}” "
            "(for a marked workbook: --annotate COPY.xlsx)"
        )
    check_output(path, reads=[reads], overwrite=overwrite)


def write_report(path: Path, report: Report, lang: Lang) -> None:
    """Every issue the report keeps: a CSV (one line each, cells guarded against formulas, for
    Excel: UTF-8 with its mark, « ; ») or the text report listing them all."""
    with writing_errors(path):
        if path.suffix.lower() == ".csv":
            headers = _CSV_HEADERS[lang]
            write_replacing(
                path,
                lambda target: write_csv(
                    target, headers, _csv_rows(report, lang), separator=";", bom=True
                ),
            )
        else:
            text = "\n".join(report_lines(report, lang, shown=None)) + "\n"
            write_replacing(path, lambda target: target.write_text(text, encoding="utf-8"))


_CSV_HEADERS = {
    "fr": ["Ligne", "Cellule", "Colonne", "Type", "Code", "Problème et correction", "Valeur"],
    "en": ["Row", "Cell", "Column", "Kind", "Code", "Problem and fix", "Value"],
}
_KINDS = {
    "fr": ("à corriger à la main", "corrigée par le produit", "avertissement"),
    "en": ("to fix by hand", "fixed by the product", "warning"),
}


def _csv_rows(report: Report, lang: Lang) -> Iterator[list[str]]:
    to_fix, fixed, warning = _KINDS[lang]
    for issue in report.issues:
        if issue.severity == "warning":
            kind = warning
        else:
            kind = to_fix if report.needs_person(issue) else fixed
        yield [
            "" if issue.row is None else str(issue.row),
            issue.cell or "",
            (issue.column or "").strip(),
            kind,
            issue.code,
            issue.message(lang),
            issue.value or "",
        ]
