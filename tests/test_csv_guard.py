"""The CSV guard against formula injection, held to a model of what Excel evaluates.

Excel reads a CSV cell as a formula when it starts with ``=``, ``@``, a tab or a line break,
and when it starts with ``+`` or ``-`` unless the whole cell is a number. The model below says
the same thing independently of the guard's code (Python's own number reader instead of a
regular expression), and hypothesis looks for a value the guard lets through as a formula
at all (the one kind let through: a phone in international format whose groups are apart
by spaces, dots or brackets, which Excel cannot compute and the platform wants as it is), or a
number it spoils.
LibreOffice (which only evaluates ``=`` in a CSV) then opens a guarded file: no formula,
numbers still numbers, no control character.
"""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from addin.files.csv_writer import defuse, write_csv
from tests.libreoffice import convert

#: what makes a value a formula when it comes first (full-width forms included: an IME's)
STARTS = "=@\t\r\n\uff1d\uff0b\uff0d\uff20"


def excel_number(text: str) -> bool:
    """Whether Excel reads ``text`` as a number: a sign, digits, one decimal mark (point or
    comma), an exponent; no spaces, no letters but the exponent's, no infinity."""
    if not text or any(c.isspace() or c == "_" for c in text):
        return False
    if not all(c in "0123456789+-.,eE" for c in text):
        return False
    if text.count(".") + text.count(",") > 1:
        return False
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return False
    mantissa = text.lstrip("+-").split("e")[0].split("E")[0]
    return (
        math.isfinite(number)
        and any(c.isdigit() for c in mantissa)
        and not (mantissa.endswith((".", ",")))
    )


def computed(text: str) -> bool:
    """Whether Excel computes ``text`` once read as a formula: after the sign, numbers joined
    by operators (Python's own expression parser, digits and operators only; a space between
    two numbers is Excel's intersection, which Python refuses too)."""
    body = text[1:].replace(",", ".")
    if not body or not all(c in "0123456789.+-*/^() " for c in body):
        return False
    try:
        compile(body.replace("^", "**"), "<cell>", "eval")
    except SyntaxError:
        return False
    return any(c in "+-*/^" for c in body.strip().lstrip("(").lstrip("+-"))


def inert(text: str) -> bool:
    """Only digits and the separators of a phone: no function, no reference, no program."""
    return all(c in "0123456789 +-.()" for c in text)


def excel_formula(text: str) -> bool:
    """Whether Excel would evaluate ``text`` as a formula."""
    if not text:
        return False
    if text[0] in STARTS:
        return True
    return text[0] in "+-" and not excel_number(text)


@pytest.mark.parametrize(
    "value",
    ["-1-1", "+33-1", "-1 250,5", "=1+1", "@SUM(1)", "+cmd|' /C calc'!A0", "-", "+",
     "\uff1dSUM(1)", "\n=1+1", "-1-418-692-2121", "+1 418-692-2121+A1",
     "+33 6 12 34 56 78 (A1)", "+12 34", "+1-418-692-2121", "+33-1-42-00-00-00"],
)  # fmt: skip
def test_what_excel_computes_is_guarded(value: str) -> None:
    assert excel_formula(value)
    assert defuse(value) == "'" + value
    assert defuse(value, "space") == " " + value


@pytest.mark.parametrize(
    "value", ["-12.5", "+33612345678", "-1,5", "+1e5", "-0.001", "12", "Martin", "", "a=b"]
)
def test_numbers_e164_phones_and_plain_text_are_left_alone(value: str) -> None:
    assert not excel_formula(value)
    assert defuse(value) == value


@pytest.mark.parametrize(
    "phone",
    ["+33 6 12 34 56 78", "+1 418 692 2121", "+44 (20) 7946 0958", "+32.2.555.12.34",
     "+1 418-692-2121"],
)  # fmt: skip
def test_phones_in_international_format_reach_the_platform_as_it_wants_them(phone: str) -> None:
    assert excel_formula(phone) and inert(phone) and not computed(phone)
    assert defuse(phone) == defuse(phone, "space") == phone


def test_a_phone_excel_would_compute_is_guarded() -> None:
    assert computed("+1-418-692-2121")  # Excel shows -3530
    assert defuse("+1-418-692-2121") == "'+1-418-692-2121"
    assert defuse("+1-418-692-2121", "space") == " +1-418-692-2121"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Rue\x01du Port", "Ruedu Port"),
        ("Saint\x0bÉtienne\x0c", "Saint Étienne "),  # line separators: words stay apart
        ("\x00=1+1", "'=1+1"),  # no control hides a formula behind it
        ("\x7fx", "x"),
        ("ligne 1\nligne 2\tfin", "ligne 1\nligne 2\tfin"),
    ],
)
def test_control_characters_are_removed(value: str, written: str) -> None:
    assert defuse(value) == written


@given(st.text())
@example("-1-1")
@example("+1-418-692-2121")
@example("+1 418-692-2121\x01+A1")
@example("-\x01=1")
def test_no_guarded_value_is_a_formula_nor_holds_a_control_character(value: str) -> None:
    for guard in ("apostrophe", "space"):
        written = defuse(value, guard)
        assert not excel_formula(written) or (inert(written) and not computed(written))
        assert not any(ord(c) < 32 and c not in "\t\n\r" for c in written)
        assert defuse(written, guard) == written  # guarding twice changes nothing more


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_numbers_stay_numbers(number: float) -> None:
    for text in (str(number), f"{number:+}", str(number).replace(".", ",")):
        assert defuse(text) == text, text


@given(st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True))
def test_e164_phones_are_left_as_the_platform_wants_them(phone: str) -> None:
    assert defuse(phone) == phone


@pytest.mark.libreoffice
def test_libreoffice_opens_the_guarded_csv_without_a_formula(tmp_path: Path) -> None:
    values = ["-1-1", "+33-1", "+1-418-692-2121", "=1+1", "@SUM(1)", "-12.5", "+33612345678",
              "Rue\x01du Port"]  # fmt: skip
    source = tmp_path / "export.csv"
    write_csv(source, ["valeur"], [[v] for v in values], separator=",")
    with source.open(encoding="utf-8", newline="") as handle:
        assert [row[0] for row in csv.reader(handle)][1:] == [defuse(v) for v in values]

    converted = convert(source, "xlsx", tmp_path / "lo")

    with zipfile.ZipFile(converted) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # not one formula
    workbook = load_workbook(converted)
    try:
        cells = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]  # type: ignore[union-attr]
    finally:
        workbook.close()
    assert cells[5:7] == [-12.5, 33612345678]  # numbers are still numbers
    assert cells[7] == "Ruedu Port"


def test_an_export_holds_no_formula_excel_computes_and_no_control_character(
    tmp_path: Path,
) -> None:
    source = tmp_path / "clients.csv"
    cells = {
        "distributorId": "+33-1",
        "civilTitle": "Mme",
        "Lastname": "-1-1",
        "firstname": "Cl\x01aire",
        "birthCity": "Saint\x0bÉtienne",
        "personHomeCountry": "France",
        "personHomeZip": "69003",
        "personPhone": "+33478123456",
    }
    plain = {**cells, "distributorId": "C2", "Lastname": "Martin", "firstname": "Claire"}
    plain["birthCity"] = "Lyon"
    lines = [";".join(cells), ";".join(cells.values())]
    lines += [";".join({**plain, "distributorId": f"C{n}"}.values()) for n in range(2, 40)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    output = tmp_path / "hokus.csv"

    done = subprocess.run(
        [sys.executable, "-m", "addin", "export", str(source), "-p", "hokus", "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode in (0, 1), done.stderr
    data = output.read_bytes()
    assert not any(byte < 32 and byte not in b"\t\r\n" for byte in data)
    row, *others = list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter=";"))
    assert len(others) == 38
    assert not any(excel_formula(value) for value in row.values()), row
    assert (row["distributorId"], row["Lastname"]) == ("'+33-1", "'-1-1")
    assert row["personPhone"] == "+33478123456"
    assert (row["firstname"], row["birthCity"]) == ("Claire", "Saint Étienne")
