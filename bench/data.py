"""Synthetic Hokus files of realistic shape: mostly valid rows, varied values, a few mistakes."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

from addin.core.fields.text import strip_accents
from addin.core.profiles import get_profile

FIRST = ["Claire", "Paul", "Sophie", "Jean", "Léa", "Marc", "Anne", "Luc", "Émilie", "Hugo"]
LAST = ["Martin", "Bernard", "Petit", "Durand", "Lefèvre", "Moreau", "Roux", "Fournier"]
CITIES = [("Lyon", "69003"), ("Paris", "75011"), ("Bourg-en-Bresse", "01000"), ("Nantes", "44000")]
COUNTRIES = ["France", "France", "France", "Belgique", "FR", "Allemagne", "Suisse"]
TITLES = ["Mme", "M.", "M. et Mme", "Société", "Madame"]


def hokus_rows(count: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        city, zip_code = rng.choice(CITIES)
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25_000))
        mobile = f"+336{rng.randrange(10**8):08d}"
        phone = "04 " + " ".join(str(rng.randrange(10, 99)) for _ in range(4))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        # addresses are typed without accents, as mail providers require
        email = f"{strip_accents(first).lower()}.{strip_accents(last).lower()}{n}@exemple.fr"
        if n % 50 == 0:
            email = email.replace("@", "")  # a real mistake now and then
        rows.append(
            [
                f"C{n:07d}",
                rng.choice(TITLES),
                last,
                first,
                "",
                f"{rng.randrange(1, 200)} rue des Lilas",
                "",
                rng.choice(COUNTRIES),
                "",
                born.strftime("%d/%m/%Y"),
                city,
                "France",
                city,
                "France",
                zip_code if n % 40 else zip_code.lstrip("0") or "0",
                email,
                phone,
                mobile,
                "",
                "31/12/2030",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    return rows


def write_csv(path: Path, count: int) -> Path:
    headers = [c.header for c in get_profile("hokus").fields]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(headers)
        writer.writerows(hokus_rows(count))
    return path


def write_xlsx(path: Path, count: int) -> Path:
    headers = [c.header for c in get_profile("hokus").fields]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(headers)
    for row in hokus_rows(count):
        sheet.append(row)
    book.save(path)
    return path
