"""The ribbon's buttons on the book open in Excel do what the matching commands do to the file.

Each button runs as Excel runs it: ``xw.Book.caller()`` is the book open in the test engine
(``tests/excel_engine.py``), the button's function is called with no argument, and what it
says is the message box the engine recorded. The command it stands for runs as a process on a
copy of the same file; the two are compared (the same changes, the same cells, the same totals,
the same exported file).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from addin.core.kinds import Kind, kind_of, with_kind
from addin.core.profiles import get_profile
from addin.core.report import column_letter
from addin.core.template import plan_template
from addin.readers.reader import read_table
from addin.settings import load_settings, save_settings, updated
from addin.shells.ribbon import commands
from addin.shells.ribbon.words import WORDS
from addin.usecases.mapping_file import map_file
from addin.usecases.validation import validate_file
from tests.ribbon_harness import Excel, cli, excel_fixture  # noqa: F401 (the fixture)
from tests.test_fix_files import FIXED, _cells, _user_workbook
from tests.test_live_read import demo_samples, save_as_xlsx
from tests.test_mapping_memory import AGAIN, HEADERS, PROFILE, write_csv, write_xlsx
from tests.test_push_e2e import clients

FLOKON = get_profile("flokon")


def _choose(excel: Excel, platform: str = "flokon") -> None:
    commands.choose_platform(platform)
    assert get_profile(platform).platform in excel.told()


def _fix_line(stdout: str) -> tuple[int, ...]:
    """The command's count line: ``7 cellule(s) corrigée(s). Problèmes : 9 avant, ...``."""
    found = re.search(
        r"(\d+) cellule\(s\) corrigée\(s\)\. Problèmes : (\d+) avant, reste (\d+) erreur\(s\) "
        r"et (\d+) avertissement",
        stdout,
    )
    assert found is not None, stdout
    return tuple(int(n) for n in found.groups())


def _ribbon_fix_line(text: str) -> tuple[int, ...]:
    found = re.search(
        r"(\d+) cellule\(s\) corrigée\(s\)\. Problèmes : (\d+) avant ; reste (\d+) erreur\(s\) "
        r"et (\d+) avertissement",
        text,
    )
    assert found is not None, text
    return tuple(int(n) for n in found.groups())


def _values(path: Path) -> dict[str, tuple[type, object]]:
    """Every filled cell and its type, but C5's formula: the test engine saves with openpyxl,
    which keeps the formula and drops its last result (Excel would keep both)."""
    cells = _cells(read_table(path))
    assert "C5" in cells
    return {ref: cell for ref, cell in cells.items() if ref != "C5"}


def test_every_message_exists_in_both_languages() -> None:
    assert WORDS["fr"].keys() == WORDS["en"].keys()


def test_the_chosen_platform_is_kept_and_an_unknown_one_refused(
    excel: Excel, tmp_path: Path
) -> None:
    excel.open(_user_workbook(tmp_path / "clients.xlsx"))
    _choose(excel, "hokus")
    assert load_settings().platform == "hokus"
    commands.choose_platform("nulle-part")
    assert "Plateforme inconnue : « nulle-part »" in excel.refused()
    assert load_settings().platform == "hokus"


def test_fix_and_undo_do_to_the_open_book_what_the_commands_do_to_the_file(
    excel: Excel, tmp_path: Path
) -> None:
    source = _user_workbook(tmp_path / "clients.xlsx")
    original = _cells(read_table(source))
    by_cli = shutil.copy(source, tmp_path / "par-commande.xlsx")
    fixed = cli(["fix", str(by_cli), "-p", "flokon", "--in-place"], excel)
    assert fixed.returncode in (0, 1), fixed.stderr

    book = excel.open(source)
    _choose(excel)
    commands.fix()
    said = excel.told()
    assert _ribbon_fix_line(said) == _fix_line(fixed.stdout)
    assert _ribbon_fix_line(said)[0] == len(FIXED)
    assert "CI_Corrections" in said
    live = tmp_path / "live.xlsx"
    book.save(str(live))
    assert _values(live) == _values(Path(by_cli))

    undone = cli(["undo", str(by_cli)], excel)
    assert undone.returncode == 0, undone.stderr
    commands.undo_fixes()
    assert f"{len(FIXED)} cellule(s) remise(s)" in excel.told()
    book.save(str(live))
    assert (
        _values(live)
        == _values(Path(by_cli))
        == {ref: cell for ref, cell in original.items() if ref != "C5"}
    )

    commands.undo_fixes()  # the changes sheet is gone with the last undo
    assert "rien à annuler" in excel.told()


def test_fix_without_a_platform_recognises_it_as_the_command_does(
    excel: Excel, tmp_path: Path
) -> None:
    source = _user_workbook(tmp_path / "clients.xlsx")
    by_cli = shutil.copy(source, tmp_path / "par-commande.xlsx")
    fixed = cli(["fix", str(by_cli), "--in-place"], excel)
    excel.open(source)
    commands.fix()
    assert _ribbon_fix_line(excel.told()) == _fix_line(fixed.stdout)


def test_check_and_clear_on_a_clean_book_say_what_the_command_says(
    excel: Excel, tmp_path: Path
) -> None:
    made = clients(tmp_path / "occupants.xlsx", 12)
    checked = cli(["validate", str(made.path), "-p", "flokon", "--json"], excel)
    assert checked.returncode == 0, checked.stderr
    rows = json.loads(checked.stdout)["rows"]
    excel.open(made.path)
    _choose(excel)
    commands.check()
    assert excel.told() == f"{rows} ligne(s) vérifiée(s) (Flokon) : aucun problème."
    commands.clear_marks()
    assert excel.told() == "Aucune marque dans ce classeur : rien à retirer."


def test_check_answers_whether_the_platform_takes_it_and_what_is_left_to_the_user(
    excel: Excel, tmp_path: Path
) -> None:
    """One error only the user can fix (an e-mail), one the product fixes (a postal code that
    lost its zero; and the workbook itself, Hokus importing CSV only), one warning."""
    from tests.test_marks_kinds import kinds_book

    source = kinds_book(tmp_path / "clients.xlsx")
    report = validate_file(source, get_profile("hokus"))
    excel.open(source)
    _choose(excel, "hokus")
    commands.check()
    told = excel.told()
    assert told.startswith(
        f"{report.rows} ligne(s) vérifiée(s) (Hokus) : Hokus refuserait le fichier tel quel.\n"
    )
    assert "• 1 erreur(s) à corriger par vous, sur 1 ligne(s) ;" in told
    assert "• 2 erreur(s) que client-import corrige" in told
    assert f"• {report.warning_count} avertissement(s) à vérifier." in told
    assert f"{report.sendable_rows} ligne(s) sur {report.rows} partiront à l'envoi." in told


def test_explain_cell_lists_every_issue_of_the_selected_cell(excel: Excel, tmp_path: Path) -> None:
    source = _user_workbook(tmp_path / "clients.xlsx")
    book = excel.open(source)
    _choose(excel)
    commands.explain_cell()
    assert "Sélectionnez d'abord une cellule" in excel.told()

    report = validate_file(source, FLOKON)
    by_cell: dict[str, list[str]] = {}
    # each problem said with its kind, in the marks' words; what needs the user first
    for issue in sorted(report.issues, key=lambda issue: -kind_of(report, issue)):
        if issue.cell is not None:
            said = with_kind(kind_of(report, issue), issue.message("fr"), "fr")
            by_cell.setdefault(issue.cell, []).append(said)
    assert by_cell
    assert {kind_of(report, i) for i in report.issues} >= {Kind.PRODUCT, Kind.LOOK}
    for ref, messages in by_cell.items():
        excel.user.selection = book.sheets["Clients"].range(ref).impl
        commands.explain_cell()
        said = excel.told()
        assert said.startswith(f"Cellule {ref} :")
        assert said.splitlines()[1:] == [f"• {message}" for message in messages]
    excel.user.selection = book.sheets["Clients"].range("B2").impl
    commands.explain_cell()
    assert excel.told() == "Cellule B2 : aucun problème."


def test_export_writes_the_commands_file_beside_the_workbook_never_over_one(
    excel: Excel, tmp_path: Path
) -> None:
    source = _user_workbook(tmp_path / "clients.xlsx")
    by_cli = tmp_path / "par-commande.xlsx"
    exported = cli(["export", str(source), "-p", "flokon", "-o", str(by_cli)], excel)
    assert exported.returncode in (0, 1), exported.stderr
    kept = re.search(r"(\d+) ligne\(s\) exportée\(s\), (\d+) ligne\(s\) refusée", exported.stdout)
    assert kept is not None

    excel.open(source)
    commands.export_file()
    assert "Choisissez d'abord la plateforme" in excel.refused()
    _choose(excel)
    commands.export_file()
    said = excel.told()
    assert f"{kept[1]} ligne(s) exportée(s), {kept[2]} ligne(s) refusée(s)" in said
    written = tmp_path / "clients.flokon.xlsx"
    assert str(written) in said
    assert _sheet_values(written) == _sheet_values(by_cli)

    commands.export_file()
    assert str(tmp_path / "clients.flokon (2).xlsx") in excel.told()
    assert _sheet_values(tmp_path / "clients.flokon (2).xlsx") == _sheet_values(by_cli)


def _sheet_values(path: Path) -> list[list[tuple[str, object]]]:
    book = openpyxl.load_workbook(path)
    try:
        return [
            [(sheet.title, [cell.value for cell in row]) for row in sheet.iter_rows()]
            for sheet in book.worksheets
        ]
    finally:
        book.close()


def test_new_template_goes_to_documents_under_a_free_name_and_opens(
    excel: Excel, tmp_path: Path
) -> None:
    excel.open(_user_workbook(tmp_path / "clients.xlsx"))
    _choose(excel, "hokus")
    by_cli = tmp_path / "modèle.xlsx"
    made = cli(["template", "hokus", "-o", str(by_cli)], excel)
    assert made.returncode == 0, made.stderr
    name = plan_template(get_profile("hokus"), "fr", None).file_name

    commands.new_template()
    first = excel.documents / name
    assert str(first) in excel.told()
    assert _sheet_values(first) == _sheet_values(by_cli)
    assert excel.app.books.active.fullname == str(first.resolve())

    commands.new_template()
    second = first.with_name(f"{first.stem} (2){first.suffix}")
    assert str(second) in excel.told()
    assert _sheet_values(first) == _sheet_values(by_cli)  # the first one was not touched
    assert excel.app.books.active.fullname == str(second.resolve())


def test_an_unexpected_error_is_one_sentence_the_log_has_the_rest_and_excel_is_restored(
    excel: Excel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    excel.open(_user_workbook(tmp_path / "clients.xlsx"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("une panne que personne n'a prévue")

    monkeypatch.setattr(commands, "fix_book", broken)
    app = excel.app
    status_before = app._status_bar  # what Excel's status bar said before the click
    commands.fix()
    said = excel.refused()
    log = excel.data / "ribbon-errors.log"
    assert f"« {log} »" in said
    assert "RuntimeError: une panne que personne n'a prévue" in log.read_text(encoding="utf-8")
    assert "panne" not in said
    assert app._screen_updating is True
    assert app._status_bar == status_before
    assert excel.engine.calls["App.ScreenUpdating.set"] == 2  # off, then on again
    assert excel.engine.calls["App.StatusBar.set"] == 2  # the command's title, then put back


def test_a_use_case_error_is_its_sentence_in_a_message_box(excel: Excel, tmp_path: Path) -> None:
    empty = openpyxl.Workbook()
    empty.save(tmp_path / "vide.xlsx")
    excel.open(tmp_path / "vide.xlsx")
    _choose(excel)
    commands.check()
    said = excel.refused()
    assert said[:1].isupper()
    assert excel.app._screen_updating is True


@pytest.mark.parametrize("sample", demo_samples(), ids=lambda path: path.name)
def test_fix_on_every_demo_sample_says_what_the_command_says(
    excel: Excel, sample: Path, tmp_path: Path
) -> None:
    """No platform chosen: the ribbon recognises it from the headers, as the command does."""
    saved = save_as_xlsx(sample, tmp_path)
    live = shutil.copy(saved, tmp_path / "ruban.xlsx")
    by_cli = shutil.copy(saved, tmp_path / "commande.xlsx")
    fixed = cli(["fix", str(by_cli), "--in-place"], excel)
    excel.open(Path(live))
    commands.fix()
    if fixed.returncode == 2:  # the command refuses: the button says the same sentence
        said = excel.refused()
        error = fixed.stderr.strip().removeprefix("Erreur : ")
        assert said == error[:1].upper() + error[1:]
        return
    said = excel.told()
    if "Aucune correction sûre" in said:
        assert "0 cellule(s) corrigée(s)" in fixed.stdout
        return
    assert _ribbon_fix_line(said) == _fix_line(fixed.stdout)
    book = excel.app.books.active
    book.save(str(tmp_path / "ruban-enregistré.xlsx"))
    assert _every_cell(tmp_path / "ruban-enregistré.xlsx") == _every_cell(Path(by_cli))


def _every_cell(path: Path) -> dict[str, tuple[type, object]]:
    table = read_table(path)
    return {
        f"{column_letter(position)}{row}": (type(value), value)
        for position, column in enumerate(table.columns)
        for row, value in zip(table.row_numbers, column, strict=True)
        if value is not None
    }


def test_export_of_a_book_never_saved_goes_to_documents(excel: Excel, tmp_path: Path) -> None:
    opened = excel.open(_user_workbook(tmp_path / "clients.xlsx"))
    values = opened.sheets["Clients"].used_range.value
    book = xw.Book(impl=excel.app.books.add())  # Excel's « Nouveau classeur », pasted into
    book.sheets[0].range("A1").value = values
    book.set_mock_caller()
    _choose(excel)
    commands.export_file()
    written = excel.documents / "Classeur2.flokon.xlsx"
    assert str(written) in excel.told()

    saved = tmp_path / "nouveau.xlsx"
    book.save(str(saved))
    by_cli = tmp_path / "par-commande.xlsx"
    exported = cli(["export", str(saved), "-p", "flokon", "-o", str(by_cli)], excel)
    assert exported.returncode in (0, 1), exported.stderr
    assert _sheet_values(written) == _sheet_values(by_cli)


def test_forget_asks_then_forgets_the_sheets_choices_for_its_platform_only(
    excel: Excel, tmp_path: Path
) -> None:
    """« Oublier les choix »: ``forget FILE -p P`` for the sheet the user is on, after a yes.
    The corrections made through the mapping sheet are remembered (Match columns pressed
    again); the same headers' choices for another platform, and nothing else, stay."""
    live = excel.open(write_xlsx(tmp_path / "clients.xlsx"))
    commands.choose_platform(PROFILE)
    commands.forget_choices()
    assert excel.told() == WORDS["fr"]["forget_none"].format(platform="Evoliz")
    commands.match_columns()
    sheet = live.sheets["CI_Correspondance"]
    rows = {sheet.range(f"A{r}").value: r for r in range(7, 7 + len(HEADERS))}
    sheet.range(f"C{rows['Billing Code']}").value = "Commentaire"
    commands.match_columns()
    next_file = write_csv(tmp_path / "zoho-janvier.csv", AGAIN)
    contacts = get_profile("evoliz-contacts")
    map_file(next_file, contacts, corrections=[("PHONE", None)])

    def reason(profile: str, column: str) -> str:
        mapped = map_file(next_file, get_profile(profile))
        return next(line.reason for line in mapped.lines if line.column == column)

    asked = len(excel.engine.alerts)
    excel.user.answers.append("no")
    commands.forget_choices()
    question = excel.prompts()[asked]
    assert question.startswith("Oublier les choix de colonnes que vous avez faits pour les ")
    assert "pour Evoliz (1 colonne(s)) ?" in question
    assert excel.last()[2] == "ok" and excel.told() == WORDS["fr"]["cancelled"]
    assert reason(PROFILE, "billing  code").startswith("choisi par vous le ")

    excel.user.answers.append("yes")
    commands.forget_choices()
    said = excel.told()
    assert said.startswith("1 choix de colonne oublié(s) pour les en-têtes de cette feuille")
    assert not reason(PROFILE, "billing  code").startswith("choisi par vous")
    assert reason("evoliz-contacts", "PHONE").startswith("choisi par vous le ")

    save_settings(updated(load_settings(), lang="en"))
    asked = len(excel.engine.alerts)
    commands.forget_choices()
    assert len(excel.engine.alerts) == asked + 1  # nothing left: no question
    assert excel.told() == (
        "No column choice is remembered for this sheet's headers and Evoliz: nothing to forget."
    )
