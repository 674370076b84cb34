"""`python -m bench.remote_duplicates [ROWS...]`: rows to push against 100,000 platform records.

Before a push that may create records, each row to create is compared with every record the
platform lists (``core.remote_duplicates``), by blocks: one dictionary per e-mail, phone and
name. The platform here holds 100,000 Evoliz clients as Evoliz lists them (nested address,
phone and mobile, no e-mail: Evoliz's client has none). The file's rows, under new codes, are:

- 5 % **phone-form** copies: a client's phone written another way (« +33 6 … », « 06.12… »);
- 5 % **legal-form** copies: « Dupont SARL » as « DUPONT S.A.R.L. », same postal code, no phone;
- 5 % **namesakes**: a client's name at another address of its town (another customer);
- the rest new customers.

Measured: the time of the comparison (wall and CPU), the copies found, and the false alarms
(a namesake or a new customer held back).
"""

from __future__ import annotations

import argparse
import random
import time

from addin.core.profiles import get_profile
from addin.core.push_plan import OutgoingRow
from addin.core.remote_duplicates import remote_duplicates

PROFILE = get_profile("evoliz-clients")
RECORDS = 100_000
TOWNS = [(f"{44000 + n:05d}", f"Ville{n}") for n in range(300)]
WORDS = ("Martin", "Bernard", "Dupont", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent")


def _phone(n: int) -> str:
    return f"06 {n // 1000000 % 100:02d} {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}"


def platform(rand: random.Random) -> dict[str, dict[str, object]]:
    """Code → fields of 100,000 clients, names unique (a word and a number), one address each."""
    held: dict[str, dict[str, object]] = {}
    for n in range(RECORDS):
        postcode, town = TOWNS[n % len(TOWNS)]
        held[f"C{n:06d}"] = {
            "code": f"C{n:06d}",
            "name": f"{rand.choice(WORDS)} {n} SARL",
            "phone": _phone(10_000_000 + n * 7),
            "address": {"addr": f"{n % 90 + 1} rue Longue", "postcode": postcode, "town": town},
        }
    return held


def rows(count: int, held: dict[str, dict[str, object]], rand: random.Random) -> tuple:
    """The file's rows and, per row number, what it is: a copy of a code, a namesake, new."""
    codes = list(held)
    made: list[OutgoingRow] = []
    truth: dict[int, str] = {}
    for i in range(count):
        number, roll = i + 2, rand.random()
        code = rand.choice(codes)
        fields = held[code]
        address = fields["address"]
        assert isinstance(address, dict)
        name = str(fields["name"]).removesuffix(" SARL")
        if roll < 0.05:
            digits = str(fields["phone"]).replace(" ", "")
            written = rand.choice(
                ("+33 6 " + digits[2:], ".".join(digits[k : k + 2] for k in (0, 2, 4, 6, 8)))
            )
            values = {"name": f"{name} et fils", "phone": written, **_place(address, "")}
            truth[number] = code
        elif roll < 0.10:
            values = {"name": name.upper() + " S.A.R.L.", **_place(address, "")}
            truth[number] = code
        elif roll < 0.15:
            values = {"name": str(fields["name"]), **_place(address, "200 boulevard Neuf")}
            truth[number] = "namesake"
        else:
            values = {"name": f"Nouveau {i}", **_place(address, f"{i} allée Neuve")}
            truth[number] = "new"
        made.append(OutgoingRow(number, f"N{i:06d}", values))
    return made, truth


def _place(address: dict[str, object], street: str) -> dict[str, str]:
    place = {"address.postcode": str(address["postcode"]), "address.town": str(address["town"])}
    return {**place, "address.addr": street} if street else place


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    rand = random.Random(19)
    held = platform(rand)
    print(f"{RECORDS:,} platform records")
    print("| rows | comparison (s, wall / CPU) | copies held | namesakes held | new held |")
    for count in args.rows:
        made, truth = rows(count, held, rand)
        wall, cpu = time.perf_counter(), time.process_time()
        found = remote_duplicates(made, held, PROFILE)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        matched = {m.row: m.remote_key for m in found}
        copies = [n for n, what in truth.items() if what not in ("namesake", "new")]
        right = sum(1 for n in copies if matched.get(n) == truth[n])
        namesakes = sum(1 for n, what in truth.items() if what == "namesake" and n in matched)
        new = sum(1 for n, what in truth.items() if what == "new" and n in matched)
        print(
            f"| {count:,} | {wall:.2f} / {cpu:.2f} | {right:,} of {len(copies):,} | "
            f"{namesakes} | {new} |"
        )


if __name__ == "__main__":
    main()
