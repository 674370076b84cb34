"""The readable report: issues grouped by row, then totals, in the user's language.

At most :data:`SHOWN_ISSUES` issues are listed; past them, or when the report itself is capped
(see :mod:`addin.core.context`), the report says so and counts every issue per column and code
before the totals, so the counts and the totals tell the whole file.
"""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.table import Table as RichTable

from addin.core.catalogue import Lang
from addin.core.report import Report, column_letter
from addin.readers.header_row import describe_shape

_WORDS = {
    "fr": {
        "file": "Fichier",
        "profile": "Profil",
        "read": "Lu",
        "row": "Ligne",
        "whole": "Fichier entier",
        "cell": "Cellule",
        "severity": "Gravité",
        "message": "Problème et correction",
        "error": "erreur",
        "warning": "avertissement",
        "totals": (
            "{rows} lignes, {valid} valides ; {errors} erreur(s), {warnings} avertissement(s)."
        ),
        "clean": "Aucun problème : le fichier est prêt pour {platform}.",
        "truncated": (
            "{total} problèmes, trop pour les afficher tous : seuls les {shown} premiers (dans "
            "l'ordre des lignes) sont ci-dessus, et voici le compte de tous par colonne. "
            "Corrigez d'abord les plus nombreux, puis vérifiez à nouveau ; --json et --annotate "
            "en donnent le détail{kept}."
        ),
        "kept": " (les {kept} premiers)",
        "count": "  {where} — {code} ({severity}) : {count}",
        "whole_file": "fichier",
    },
    "en": {
        "file": "File",
        "profile": "Profile",
        "read": "Read",
        "row": "Row",
        "whole": "Whole file",
        "cell": "Cell",
        "severity": "Severity",
        "message": "Problem and fix",
        "error": "error",
        "warning": "warning",
        "totals": "{rows} rows, {valid} valid; {errors} error(s), {warnings} warning(s).",
        "clean": "No problems: the file is ready for {platform}.",
        "truncated": (
            "{total} problems, too many to show them all: only the first {shown} (in row "
            "order) are above, and here is the count of all of them per column. Fix the most "
            "frequent ones first, then check again; --json and --annotate give the "
            "details{kept}."
        ),
        "kept": " (the first {kept})",
        "count": "  {where} — {code} ({severity}): {count}",
        "whole_file": "file",
    },
}


def describe_source(report: Report, lang: Lang) -> str:
    """``xlsx, feuille « Data »`` or ``csv, UTF-8, séparateur « ; »``: what the reader detected."""
    source = report.source
    parts = [source.kind]
    if source.encoding:
        parts.append(source.encoding + (" (BOM)" if source.has_bom else ""))
    if source.separator:
        sep = "tab" if source.separator == "\t" else source.separator
        parts.append(("séparateur « {} »" if lang == "fr" else 'separator "{}"').format(sep))
    if source.sheet:
        parts.append(("feuille « {} »" if lang == "fr" else 'sheet "{}"').format(source.sheet))
    return ", ".join(parts)


#: Issues listed one by one on the terminal: drawing a table row costs about 1 ms, so 100,000
#: issues took 90 s to print; past this, every issue is counted per column instead.
SHOWN_ISSUES = 1_000


def print_report(
    report: Report, console: Console, lang: Lang = "fr", *, shown: int = SHOWN_ISSUES
) -> None:
    """The report for a person: at most ``shown`` issues listed, then counts, then totals."""
    words = _WORDS[lang]
    console.print(f"[bold]{words['file']}[/] : {report.source.path}")
    console.print(
        f"[bold]{words['profile']}[/] : {report.profile.name} ({report.profile.platform})"
    )
    console.print(f"[bold]{words['read']}[/] : {describe_source(report, lang)}")
    for sentence in describe_shape(report.source):
        console.print(sentence)
    if report.issues:
        table = RichTable(show_lines=False, header_style="bold")
        table.add_column(words["row"], justify="right")
        table.add_column(words["cell"])
        table.add_column(words["severity"])
        table.add_column(words["message"], overflow="fold")
        for row, issues in groupby(report.issues[:shown], key=lambda i: i.row):
            for n, issue in enumerate(issues):
                colour = "red" if issue.severity == "error" else "yellow"
                row_label = (str(row) if row is not None else words["whole"]) if n == 0 else ""
                where = issue.cell or (issue.column or "").strip()
                table.add_row(
                    row_label,
                    where,
                    f"[{colour}]{words[issue.severity]}[/]",
                    issue.message(lang),
                )
            table.add_section()
        console.print(table)
    else:
        console.print(f"[green]{words['clean'].format(platform=report.profile.platform)}[/]")
    if report.truncated or len(report.issues) > shown:
        _print_counts(report, console, lang, min(shown, len(report.issues)))
    console.print(
        words["totals"].format(
            rows=report.rows,
            valid=report.valid_rows,
            errors=report.error_count,
            warnings=report.warning_count,
        )
    )


def _print_counts(report: Report, console: Console, lang: Lang, shown: int) -> None:
    """Say that the list is partial, and count every issue per column and code."""
    words = _WORDS[lang]
    total = len(report.issues) + sum(report.omitted.values())
    kept = words["kept"].format(kept=len(report.issues)) if report.truncated else ""
    console.print(
        words["truncated"].format(total=total, shown=shown, kept=kept),
        highlight=False,
        markup=False,
    )
    for kind, count in report.counts():
        if kind.position is None:
            where = (kind.column or "").strip() or words["whole_file"]
        else:
            where = f"{column_letter(kind.position)} « {(kind.column or '').strip()} »"
        console.print(
            words["count"].format(
                where=where, code=kind.code, severity=words[kind.severity], count=count
            ),
            highlight=False,
            markup=False,
        )
