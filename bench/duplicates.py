"""`python -m bench.duplicates [ROWS...]`: likely duplicates in 10,000 and 100,000 generated rows.

The issue's aim: 100,000 rows in under 5 s on this machine, by blocking keys rather than all
pairs. The rows are Evoliz customers (companies and people, with e-mails, phones, addresses
in a few hundred towns) of which 5 % are copies of another row, each copy changed the way
people retype a customer:

- **email-case**: the e-mail in other capitals, the rest retyped (name without legal form);
- **phone-form**: the phone written another way (« +33 6 … », « 06.12… »), no e-mail;
- **legal-form**: « Dupont SARL » as « DUPONT S.A.R.L. » or « Sté Dupont », no e-mail or
  phone, same postal code;
- **typo**: one letter of the name's longest word changed, no e-mail or phone, the address
  kept or left out, the street's type shortened (« rue » → « r. »);
- **swap**: a person's first and last names swapped, no e-mail or phone, same address.

The generated originals hold homonyms too (a few hundred names shared in the same towns at
other addresses), which must not be grouped. Measured, per size: the time of the grouping
alone (``find_duplicates``, wall clock and CPU), the whole ``validate`` with it, the share of
true duplicates found (a copy in the same group as its original), and the false alarms: rows
in a group that are no copy nor original of one, and links between two different customers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from addin.core.duplicates import Customers, DuplicateGroup, find_duplicates
from addin.core.engine import validate
from addin.core.profiles import get_profile
from addin.core.table import SourceInfo, Table


def _listed(text: str) -> tuple[str, ...]:
    """Names written as one text, a space between them."""
    return tuple(text.split())


FIRST = _listed(
    "Claire Paul Sophie Jean Léa Marc Anne Luc Émilie Hugo Julie Thomas Camille Nicolas "
    "Manon Antoine Chloé Pierre Sarah Louis Inès Arthur Zoé Jules Alice Gabriel Lucie "
    "Raphaël Clara Adam Jeanne Victor Louise Mathis Eva Nathan Margaux Théo Agathe Paulin "
    "Céline Hélène Bernadette Gérard Sylvie Didier Martine Pascal Isabelle Olivier"
)
LAST = _listed(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel "
    "Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour "
    "Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez "
    "Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert "
    "Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc "
    "Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger "
    "Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury "
    "Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault "
    "Charpentier Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Legall "
    "Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Leroux Cousin Germain Breton "
    "Besson Langlois Rémy Legoff Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal "
    "Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne "
    "Grondin Poulain Tessier Chevallier Collin Chauvin Dasilva Bouchet Gay Lemaître "
    "Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon "
    "Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte"
)
TRADES = _listed(
    "Boulangerie Garage Pharmacie Cabinet Atelier Transports Menuiserie Plomberie "
    "Imprimerie Librairie Fromagerie Boucherie Coiffure Électricité Maçonnerie Jardins "
    "Optique Conseil Informatique Hôtel Restaurant Agence Studio Ferme Domaine"
)
FORMS = ("SARL", "SAS", "EURL", "SA", "SCI", "")
OTHER_FORMS = {"SARL": ("S.A.R.L.", "Sté", "sarl"), "SAS": ("S.A.S.", "Sté"), "EURL": ("E.U.R.L.",),
               "SA": ("S.A.", "Société"), "SCI": ("S.C.I.",), "": ("Sté",)}  # fmt: skip
STREETS = ("rue", "avenue", "boulevard", "place", "chemin", "impasse", "allée", "route")
SHORT = {"rue": "r.", "avenue": "av.", "boulevard": "bd", "place": "pl.", "chemin": "ch.",
         "impasse": "imp.", "allée": "all.", "route": "rte"}  # fmt: skip
STREET_NAMES = ("de la Paix", "Victor Hugo", "Jean Jaurès", "de la République", "des Lilas",
                "Pasteur", "du Moulin", "de l'Église", "Gambetta", "du Général de Gaulle",
                "des Écoles", "de la Gare", "Voltaire", "des Tilleuls", "du Stade", "Foch",
                "Carnot", "de Verdun", "du Château", "des Acacias", "Émile Zola", "de Paris",
                "Jules Ferry", "du Port", "des Vignes", "Nationale", "de Bretagne")  # fmt: skip
SYLLABLES = ("mont ville bourg sur saint la roche beau val fon tain mar lon ber gny court "
             "neuf vieux champ pré bois lac gen vil sal ")  # fmt: skip

HEADERS = ["Code client", "Raison sociale", "Type", "Adresse", "Code postal", "Ville", "Pays",
           "Téléphone", "Portable", "Email"]  # fmt: skip
NAME, ADDRESS, POSTAL, CITY, PHONE, MOBILE, EMAIL = 1, 3, 4, 5, 7, 8, 9
SHARE = 0.05


@dataclass
class Generated:
    rows: list[list[str | None]]
    #: (original index, copy index, how the copy was changed)
    truth: list[tuple[int, int, str]]


def towns(rng: random.Random, count: int) -> list[tuple[str, str]]:
    parts = SYLLABLES.split()
    found: dict[str, str] = {}
    while len(found) < count:
        name = "".join(rng.choice(parts) for _ in range(rng.randint(2, 3))).capitalize()
        found.setdefault(name, f"{rng.randrange(1, 96):02d}{rng.randrange(0, 1000):03d}")
    return list(found.items())


def customer(rng: random.Random, n: int, places: list[tuple[str, str]]) -> list[str | None]:
    city, postal = rng.choice(places)
    street = f"{rng.randrange(1, 120)} {rng.choice(STREETS)} {rng.choice(STREET_NAMES)}"
    if rng.random() < 0.35:
        trade, owner = rng.choice(TRADES), rng.choice(LAST)
        name = f"{trade} {owner} {rng.choice(FORMS)}".strip()
        kind, local = "Professionnel", f"contact{n}"
    else:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name, kind, local = f"{first} {last}", "Particulier", f"{first}.{last}{n}".lower()
    local = local.replace(" ", "").replace("é", "e").replace("è", "e").replace("ë", "e")
    email = f"{local}@exemple.fr" if rng.random() < 0.7 else None
    phone = f"0{rng.choice('12345')} {_pairs(rng)}" if rng.random() < 0.5 else None
    mobile = f"0{rng.choice('67')} {_pairs(rng)}" if rng.random() < 0.5 else None
    return [f"C{n:07d}", name, kind, street, postal, city, "France", phone, mobile, email]


def _pairs(rng: random.Random) -> str:
    return " ".join(f"{rng.randrange(100):02d}" for _ in range(4))


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    longest = max(range(len(words)), key=lambda k: len(words[k]))
    word = words[longest]
    at = rng.randrange(1, len(word))
    letter = rng.choice([c for c in "abcdefghilmnoprstu" if c != word[at].lower()])
    words[longest] = word[:at] + letter + word[at + 1 :]
    return " ".join(words)


def _other_phone(number: str) -> str:
    digits = number.replace(" ", "")
    return PHONE_FORMS[len(digits) % 2](digits)


PHONE_FORMS: tuple[Callable[[str], str], ...] = (
    lambda d: "+33 " + d[1] + " " + " ".join(d[k : k + 2] for k in range(2, 10, 2)),
    lambda d: ".".join(d[k : k + 2] for k in range(0, 10, 2)),
)


def copy_of(rng: random.Random, row: list[str | None], n: int) -> tuple[list[str | None], str]:
    """A retyped copy of ``row`` (another code, as a second entry is), and how it changed."""
    new = list(row)
    new[0] = f"D{n:07d}"
    name = str(row[NAME])
    company = row[2] == "Professionnel"
    choices = ["typo"]
    if row[EMAIL]:
        choices.append("email-case")
    if row[PHONE] or row[MOBILE]:
        choices.append("phone-form")
    choices.append("legal-form" if company else "swap")
    how = rng.choice(choices)
    if how != "email-case":
        new[EMAIL] = None
    if how != "phone-form":
        new[PHONE] = new[MOBILE] = None
    if how == "email-case":
        new[EMAIL] = str(row[EMAIL]).upper() if rng.random() < 0.5 else str(row[EMAIL]).title()
        new[NAME] = name.replace(" SARL", "").replace(" SAS", "")
    elif how == "phone-form":
        which = PHONE if row[PHONE] else MOBILE
        new[which] = _other_phone(str(row[which]))
    elif how == "legal-form":
        form = next((f for f in FORMS if f and name.endswith(" " + f)), "")
        other = rng.choice(OTHER_FORMS[form])
        bare = name[: -len(form)].strip() if form else name
        new[NAME] = f"{other} {bare.upper()}" if other == "Sté" else f"{bare} {other}"
    elif how == "typo":
        new[NAME] = _typo(rng, name)
        kind = str(row[ADDRESS]).split()[1]
        new[ADDRESS] = (
            None if rng.random() < 0.3 else str(row[ADDRESS]).replace(kind, SHORT[kind], 1)
        )
    else:  # swap
        first, _space, last = name.partition(" ")
        new[NAME] = f"{last.upper()} {first}"
    return new, how


def generate(count: int, seed: int = 19) -> Generated:
    rng = random.Random(seed)
    places = towns(rng, max(50, count // 300))
    originals = count - int(count * SHARE)
    rows = [customer(rng, n, places) for n in range(originals)]
    truth = []
    for n, source in enumerate(rng.sample(range(originals), count - originals)):
        copy, how = copy_of(rng, rows[source], n)
        rows.append(copy)
        truth.append((source, len(rows) - 1, how))
    order = list(range(count))
    rng.shuffle(order)  # copies anywhere in the file, before or after their original
    where = {old: new for new, old in enumerate(order)}
    return Generated(
        [rows[old] for old in order], [(where[a], where[b], how) for a, b, how in truth]
    )


def customers_of(rows: list[list[str | None]]) -> Customers:
    """The facets ``core.duplicate_rule`` gives for Evoliz's defaults, built directly."""
    return Customers(
        emails=[[r[EMAIL] for r in rows]],
        phones=[[r[PHONE] for r in rows], [r[MOBILE] for r in rows]],
        names=[r[NAME] for r in rows],
        postal_codes=[r[POSTAL] for r in rows],
        cities=[r[CITY] for r in rows],
        addresses=[r[ADDRESS] for r in rows],
    )


def score(data: Generated, groups: list[DuplicateGroup]) -> dict[str, float]:
    """Share of true duplicates found (per way of retyping), and the false alarms."""
    group_of = {row - 2: n for n, group in enumerate(groups) for row in group.rows}
    truth_rows = {i for a, b, _how in data.truth for i in (a, b)}
    same = {frozenset((a, b)) for a, b, _how in data.truth}
    found: dict[str, list[bool]] = {}
    for a, b, how in data.truth:
        hit = a in group_of and group_of.get(a) == group_of.get(b)
        found.setdefault(how, []).append(hit)
        found.setdefault("all", []).append(hit)
    result = {f"found {how}": sum(hits) / len(hits) for how, hits in sorted(found.items())}
    flagged = set(group_of)
    result["rows flagged"] = len(flagged)
    result["flagged, no duplicate"] = len(flagged - truth_rows)
    links = [(p.first - 2, p.second - 2) for g in groups for p in g.pairs]
    result["links"] = len(links)
    result["false links"] = sum(1 for a, b in links if frozenset((a, b)) not in same)
    return result


def measure(count: int, repeat: int) -> None:
    data = generate(count)
    customers = customers_of(data.rows)
    numbers = list(range(2, count + 2))
    walls, cpus = [], []
    groups: list[DuplicateGroup] = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        groups = find_duplicates(customers, numbers)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    table = Table.from_rows(
        HEADERS, [list(r) for r in data.rows], SourceInfo(path="bench", kind="xlsx")
    )
    wall = time.perf_counter()
    report = validate(table, get_profile("evoliz-clients"))
    whole = time.perf_counter() - wall
    found = score(data, groups)
    warnings = sum(1 for i in report.issues if i.code == "likely-duplicate")
    print(
        f"{count:>7,} rows: grouping {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (median of {repeat}); validate with it "
        f"{whole:.2f} s; {len(groups):,} groups, {warnings:,} warnings"
    )
    for key, value in found.items():
        shown = f"{value:.1%}" if key.startswith("found") else f"{int(value):,}"
        print(f"    {key}: {shown}")
    print(f"    spread of the grouping: {min(walls):.2f}-{max(walls):.2f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for count in args.rows:
        measure(count, args.repeat)


if __name__ == "__main__":
    main()
