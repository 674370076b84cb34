"""The readable report: the totals first, then what needs a person, capped, in one language.

An accountant asks two questions of a check: *will the platform refuse this file as it is?* and
*what must I fix by hand?* So the report opens with the totals per column and kind (errors to
fix by hand, errors the product fixes, warnings), then lists the errors only a person can fix,
one line each, at most ``shown`` of them, says how many were not listed and how to get them
all, and ends with the totals' sum in one line (the numbers of the report sheet's chart). A
file whose every issue fits under the cap is listed whole, warnings included.

Plain lines, no table: drawing a rich table row cost about 1 ms, and a report of 100,000
issues took minutes to print; a line costs microseconds and a terminal wraps it by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from rich.console import Console

from addin.core.catalogue import Lang
from addin.core.report import ColumnTotals, Issue, Report, summed
from addin.readers.header_row import describe_shape

#: Issues listed by default; ``validate --max N`` or ``--all`` change it.
SHOWN_ISSUES = 50

_WORDS = {
    "fr": {
        "file": "Fichier",
        "profile": "Profil",
        "read": "Lu",
        "row": "Ligne",
        "whole": "Fichier entier",
        "cell": "Cellule",
        "column": "Colonne",
        "message": "Problème et correction",
        "to_fix": "À corriger à la main",
        "fixed": "Corrigées par le produit",
        "warnings": "Avertissements",
        "total": "Total",
        "summary": (
            "{rows} lignes, {valid} valides telles quelles, {sendable} envoyables par export "
            "et push ; {errors} erreur(s), {warnings} avertissement(s)."
        ),
        "clean": "Aucun problème : le fichier est prêt pour {platform}.",
        "totals": "Totaux par colonne :",
        "closing": (
            "Total : {to_fix} à corriger à la main, {fixed} corrigé(s) par le produit, "
            "{warnings} avertissement(s), {total} problème(s) en tout."
        ),
        "list_to_fix": "À corriger à la main ({count}) :",
        "list_fixed": "Erreurs que fix, export et push corrigent ({count}) :",
        "list_warnings": "Avertissements ({count}) :",
        "first": "{title} les {shown} premières, dans l'ordre des lignes.",
        "nothing_by_hand": "Rien à corriger à la main : fix, export et push corrigent le reste.",
        "more": (
            "{more} problème(s) non listé(s) ici ({to_fix} à corriger à la main, {fixed} "
            "corrigé(s) par le produit, {warnings} avertissement(s)). Pour tout obtenir : "
            "--all les liste ici, --json les donne à un programme, --annotate COPIE.xlsx les "
            "marque dans une copie du classeur, --report RAPPORT.csv les écrit dans un fichier."
        ),
        "kept": (
            "Au-delà des {kept} premiers problèmes, le détail n'est pas gardé (ni ici, ni dans "
            "--json, --annotate ou --report) : les totaux ci-dessus comptent tout."
        ),
    },
    "en": {
        "file": "File",
        "profile": "Profile",
        "read": "Read",
        "row": "Row",
        "whole": "Whole file",
        "cell": "Cell",
        "column": "Column",
        "message": "Problem and fix",
        "to_fix": "To fix by hand",
        "fixed": "Fixed by the product",
        "warnings": "Warnings",
        "total": "Total",
        "summary": (
            "{rows} rows, {valid} valid as they are, {sendable} sendable by export and push; "
            "{errors} error(s), {warnings} warning(s)."
        ),
        "clean": "No problems: the file is ready for {platform}.",
        "totals": "Totals per column:",
        "closing": (
            "Total: {to_fix} to fix by hand, {fixed} fixed by the product, {warnings} "
            "warning(s), {total} problem(s) in all."
        ),
        "list_to_fix": "To fix by hand ({count}):",
        "list_fixed": "Errors that fix, export and push put right ({count}):",
        "list_warnings": "Warnings ({count}):",
        "first": "{title} the first {shown}, in row order.",
        "nothing_by_hand": "Nothing to fix by hand: fix, export and push put the rest right.",
        "more": (
            "{more} problem(s) not listed here ({to_fix} to fix by hand, {fixed} fixed by the "
            "product, {warnings} warning(s)). To get them all: --all lists them here, --json "
            "gives them to a program, --annotate COPY.xlsx marks them in a copy of the "
            "workbook, --report REPORT.csv writes them to a file."
        ),
        "kept": (
            "Past the first {kept} problems, the details are not kept (neither here nor in "
            "--json, --annotate or --report): the totals above count everything."
        ),
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


def print_report(
    report: Report, console: Console, lang: Lang = "fr", *, shown: int | None = SHOWN_ISSUES
) -> None:
    """The report for a person: totals, then at most ``shown`` issues (``None``: all)."""
    for line in report_lines(report, lang, shown=shown):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def report_lines(
    report: Report, lang: Lang = "fr", *, shown: int | None = SHOWN_ISSUES
) -> list[str]:
    """The lines of the report, for the terminal and for ``--report FILE.txt``."""
    words = _WORDS[lang]
    lines = [
        _labelled(words["file"], report.source.path, lang),
        _labelled(words["profile"], f"{report.profile.name} ({report.profile.platform})", lang),
        _labelled(words["read"], describe_source(report, lang), lang),
        *describe_shape(report.source),
        "",
        words["summary"].format(
            rows=report.rows,
            valid=report.valid_rows,
            sendable=report.sendable_rows,
            errors=report.error_count,
            warnings=report.warning_count,
        ),
    ]
    totals = report.totals()
    if not totals:
        lines.append(words["clean"].format(platform=report.profile.platform))
        return lines
    lines += ["", words["totals"], *_totals_table(totals, lang)]
    lines += _listing(report, totals, lang, shown)
    lines += ["", _closing_totals(totals, lang)]
    return lines


def _labelled(label: str, value: str, lang: Lang) -> str:
    return f"{label} : {value}" if lang == "fr" else f"{label}: {value}"


def _totals_table(totals: list[ColumnTotals], lang: Lang) -> list[str]:
    """One line per column with issues, then the sum: three counts under their kind's name."""
    words = _WORDS[lang]
    heads = (words["to_fix"], words["fixed"], words["warnings"])
    places = [_place(t, lang) for t in totals]
    width = max(len(words["column"]), len(words["total"]), *map(len, places))
    sizes = [max(len(head), 6) for head in heads]

    def line(place: str, counts: tuple[int, int, int]) -> str:
        cells = (f"{count:>{size}}" for count, size in zip(counts, sizes, strict=True))
        return f"  {place:<{width}}  " + "  ".join(cells)

    lines = [f"  {words['column']:<{width}}  " + "  ".join(heads)]
    lines += [
        line(place, (t.to_fix, t.fixed, t.warnings))
        for place, t in zip(places, totals, strict=True)
    ]
    whole = summed(totals)
    lines.append(line(words["total"], (whole.to_fix, whole.fixed, whole.warnings)))
    return lines


def _place(totals: ColumnTotals, lang: Lang) -> str:
    return totals.place(lang, _WORDS[lang]["whole"])


def _closing_totals(totals: list[ColumnTotals], lang: Lang) -> str:
    """The report's last line: the totals' sum in short, so a long listing ends on the numbers
    it started with (the same as the report sheet's totals and its chart)."""
    words = _WORDS[lang]
    whole = summed(totals)
    return words["closing"].format(
        to_fix=whole.to_fix, fixed=whole.fixed, warnings=whole.warnings, total=whole.total
    )


def _listing(
    report: Report, totals: list[ColumnTotals], lang: Lang, shown: int | None
) -> list[str]:
    """What needs a person, capped; everything when it all fits under the cap."""
    words = _WORDS[lang]
    every = sum(t.total for t in totals)
    needs_person = report.needs_person
    lines: list[str] = []
    if shown is None or every <= shown:  # a small file: every issue, warnings included
        to_fix = [i for i in report.issues if needs_person(i)]
        fixed = [i for i in report.issues if i.severity == "error" and not needs_person(i)]
        warned = [i for i in report.issues if i.severity == "warning"]
        for key, issues in (
            ("list_to_fix", to_fix),
            ("list_fixed", fixed),
            ("list_warnings", warned),
        ):
            if issues:
                lines += ["", words[key].format(count=len(issues)), *_issue_lines(issues, lang)]
    else:
        count = sum(t.to_fix for t in totals)
        title = words["list_to_fix"].format(count=count)
        if not count:
            lines += ["", words["nothing_by_hand"]]
        elif count > shown > 0:
            lines += ["", words["first"].format(title=title, shown=shown)]
        elif shown:
            lines += ["", title]
        first = list(islice(filter(needs_person, report.issues), shown))
        listed = len(first)
        lines += _issue_lines(first, lang)
        more = every - listed
        lines += [
            "",
            words["more"].format(
                more=more,
                to_fix=count - listed,
                fixed=sum(t.fixed for t in totals),
                warnings=sum(t.warnings for t in totals),
            ),
        ]
    if report.truncated:
        lines.append(words["kept"].format(kept=len(report.issues)))
    return lines


def _issue_lines(issues: Iterable[Issue], lang: Lang) -> list[str]:
    """``  Ligne  Cellule  Problème et correction`` then one line per issue."""
    words = _WORDS[lang]
    rows = [
        (str(i.row) if i.row is not None else words["whole"], i.cell or (i.column or "").strip(), i)
        for i in issues
    ]
    if not rows:
        return []
    row_width = max(len(words["row"]), *(len(r) for r, _, _ in rows))
    cell_width = max(len(words["cell"]), *(len(c) for _, c, _ in rows))
    head = f"  {words['row']:>{row_width}}  {words['cell']:<{cell_width}}  {words['message']}"
    return [head] + [
        f"  {row:>{row_width}}  {cell:<{cell_width}}  {issue.message(lang)}"
        for row, cell, issue in rows
    ]
