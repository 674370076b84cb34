"""French and banking identifiers (SIRET, SIREN, VAT, IBAN, BIC), checked by python-stdnum.

stdnum knows the check digits (Luhn, La Poste's SIRET exception, mod 97); this module only
turns its exceptions into words an accountant understands.
"""

from __future__ import annotations

from types import ModuleType

from stdnum import bic, iban
from stdnum.eu import vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import siren, siret

from addin.core.fields.base import Outcome, as_text, problem
from addin.core.table import CellValue

_MODULES: dict[str, tuple[ModuleType, str]] = {
    "siret": (siret, "SIRET"),
    "siren": (siren, "SIREN"),
    "vat": (vat, "numéro de TVA intracommunautaire"),
    "iban": (iban, "IBAN"),
    "bic": (bic, "BIC"),
}

_REASONS: list[tuple[type[Exception], str, str]] = [
    (InvalidLength, "nombre de caractères incorrect", "wrong length"),
    (InvalidChecksum, "la clé de contrôle ne correspond pas", "check digits do not match"),
    (InvalidComponent, "une partie du numéro n'existe pas", "a part of the number does not exist"),
    (InvalidFormat, "caractères non permis", "characters not allowed"),
]


class IdentifierChecker:
    """One identifier kind; ``allow_values`` lets through platform placeholders (Evoliz "N/C")."""

    def __init__(self, kind: str, allow_values: list[str] | None = None) -> None:
        self.module, self.label = _MODULES[kind]
        self.allow = set(allow_values or [])

    def check(self, value: CellValue) -> Outcome:
        text = as_text(value)
        if text in self.allow:
            return Outcome(text)
        try:
            compact: str = self.module.validate(text)
        except Exception as exc:  # stdnum raises subclasses of ValidationError only
            reason, reason_en = next(
                ((fr, en) for cls, fr, en in _REASONS if isinstance(exc, cls)),
                ("numéro non reconnu", "not recognised"),
            )
            return Outcome(
                None,
                (
                    problem(
                        "invalid-identifier",
                        "error",
                        None,
                        kind=self.label,
                        reason=reason,
                        reason_en=reason_en,
                    ),
                ),
            )
        if compact != text:
            return Outcome(
                compact, (problem("identifier-format", "warning", compact, kind=self.label),)
            )
        return Outcome(text)
