"""How the parts of a customer are compared: names, places, addresses, e-mails and phones.

Pure text functions, one per part, each giving the key two rows must share (or nearly) to be
the same customer (``core.duplicates``): « Dupont SARL », « DUPONT S.A.R.L. » and « Sté
Dupont » are one name, « 12 av. Foch » and « 12 avenue Foch » one address, « 06 12 34 56 78 »
and « +33 6 12 34 56 78 » one phone. ``None`` for a value that identifies nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Legal forms and titles: « Dupont SARL », « DUPONT S.A.R.L. » and « Sté Dupont » are one name.
_NOISE = frozenset(
    ("sarl", "sas", "sasu", "sa", "eurl", "eirl", "ei", "sci", "snc", "scp", "scm", "selarl",
     "selas", "sca", "gie", "ste", "societe", "ets", "etablissements", "cie", "et", "co",
     "compagnie", "ltd", "llc", "inc", "gmbh", "m", "mr", "mme", "mlle", "monsieur", "madame",
     "mademoiselle", "dr", "me")
)  # fmt: skip
#: Street words the way they are shortened: « 12 av. Foch » is « 12 avenue Foch ».
_STREET_WORDS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "r": "rue",
    "pl": "place",
    "ch": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "rte": "route",
    "fbg": "faubourg",
    "faub": "faubourg",
    "sq": "square",
    "qu": "quai",
    "st": "saint",
    "ste": "sainte",
    "crs": "cours",
    "pass": "passage",
    "res": "residence",
    "lot": "lotissement",
}
_NOT_WORD = re.compile(r"[^0-9a-z@]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    """Lower case, no accents, punctuation as spaces, dotted initials joined: « S.A.R.L. »
    and « Sté » become ``sarl`` and ``ste``. Cached: cities and names repeat."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    plain = re.sub(r"\b(\w)\.(?=\w\.)", r"\1", plain)  # s.a.r.l. -> sarl.
    plain = re.sub(r"\b(\w)\.(?=\w\b)", r"\1", plain)  # s.a -> sa
    return tuple(_NOT_WORD.sub(" ", plain.replace("@", " ")).split())


def name_key(name: str | None) -> str | None:
    """A name as compared: its words without legal forms or titles, in alphabetical order
    (« Jean Dupont » and « DUPONT Jean » are one name)."""
    if not name:
        return None
    words = sorted(w for w in _words(name) if w not in _NOISE)
    return " ".join(words) or None


def place_key(text: str | None) -> str | None:
    """A city or a postal code as compared: « PARIS CEDEX 02 » is ``paris``, « 75 002 »
    is ``75002``."""
    if not text:
        return None
    words = _words(text)
    if words and all(w.isdigit() for w in words):
        return "".join(words)
    kept = [w for w in words if w != "cedex" and not w.isdigit()]
    return " ".join(kept) or None


def address_key(text: str | None) -> str | None:
    """A street address as compared: short street words spelled out, punctuation gone."""
    if not text:
        return None
    return " ".join(_STREET_WORDS.get(w, w) for w in _words(text)) or None


def email_key(text: str | None) -> str | None:
    """E-mails compare without case or surrounding spaces."""
    if not text:
        return None
    key = text.strip().casefold()
    return key if "@" in key else None


def phone_key(text: str | None) -> str | None:
    """A phone number's digits, its last nine only: « 06 12 34 56 78 », « +33 6 12 34 56 78 »
    and « 0033612345678 » are one number (nine digits: a French number without its 0, and
    more than enough to tell numbers of one country apart)."""
    if not text:
        return None
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < 8 or len(set(digits)) == 1:  # too short, or a filler: 0000000000
        return None
    return digits[-9:]
