"""The report written for a program (``--json``) or to a file (``--report FILE.csv|.txt``).

The JSON keeps one issue a line: ``json.dumps(..., indent=2)`` falls back to the pure-Python
encoder (1.4 s for 100,000 issues), while texts encoded by the C function each cost well under
a microsecond, and the file stays readable and greppable line by line. The contract (keys,
values) is :meth:`Report.to_dict`'s, unchanged.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterator
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.report import Report
from addin.errors import UsageError
from addin.files.csv_writer import write_csv
from addin.files.safe_files import check_output, write_replacing, writing_errors
from addin.shells.render.terminal import report_lines

#: The ``--report`` kinds, by file suffix.
REPORT_SUFFIXES = (".csv", ".txt")


def report_json(report: Report, lang: Lang) -> str:
    """``validate --json``: :meth:`Report.to_dict`'s contract, one issue a line.

    Each issue is written from pieces encoded once: what its column and code share with the
    others of its kind, and its message, rendered once for issues that say the same thing (a
    required value missing on 20,000 rows). ``tests/test_text_report.py`` proves the text reads
    back as ``to_dict`` exactly.
    """
    issues = _issue_lines(report, lang)
    head, tail = report.head_dict(), report.tail_dict(lang)
    parts = [_member(key, value) for key, value in head.items()]
    parts.append(
        '  "issues": ' + ("[\n    " + ",\n    ".join(issues) + "\n  ]" if issues else "[]")
    )
    parts += [_member(key, value) for key, value in tail.items()]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _issue_lines(report: Report, lang: Lang) -> list[str]:
    encode = _encode
    kinds: dict[tuple[str | None, str | None, str, str], str] = {}
    said: dict[tuple[object, ...], str] = {}
    fixable = report.fixable
    lines = []
    for issue in report.issues:
        kind = (issue.column, issue.field, issue.severity, issue.code)
        shared = kinds.get(kind)
        if shared is None:
            shared = kinds[kind] = (
                f'"column": {encode(issue.column)}, "field": {encode(issue.field)}, '
                f'"severity": {encode(issue.severity)}, "code": {encode(issue.code)}, '
            )
        # the issues of one report share their parameter mappings (one per problem found):
        # alive for the whole call, so their identity is a safe part of the key
        key = (kind, id(issue.params), id(issue.context), issue.value, issue.suggestion)
        message = said.get(key)
        if message is None:
            message = said[key] = encode(issue.message(lang))
        row = "null" if issue.row is None else str(issue.row)
        lines.append(
            f'{{"row": {row}, {shared}"message": {message}, "value": {encode(issue.value)}, '
            f'"suggestion": {encode(issue.suggestion)}, '
            f'"fixable": {"true" if fixable(issue) else "false"}}}'
        )
    return lines


def _encode(text: str | None) -> str:
    return "null" if text is None else _encode_text(text)


_encode_text: Callable[[str], str] = json.encoder.encode_basestring


def _member(key: str, value: object) -> str:
    """``  "key": value``, a list one item a line."""
    if isinstance(value, list) and value:
        items = ",\n    ".join(json.dumps(item, ensure_ascii=False) for item in value)
        return f"  {json.dumps(key)}: [\n    {items}\n  ]"
    return f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"


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
