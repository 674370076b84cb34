"""Email addresses, checked by email-validator with a fast path for the common plain ones.

email-validator costs about 27 µs an address here; a sheet of 100,000 distinct addresses would
spend nearly 3 s in it. Plain lower-case ASCII addresses (the vast majority) are decided by one
regular expression that accepts only what email-validator accepts unchanged; anything else
(upper case, accents, IDNA, quoted parts, errors) goes through email-validator itself.
``tests/test_email.py`` checks that both paths agree.
"""

from __future__ import annotations

import re

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from addin.core.fields.base import Outcome, as_text, problem
from addin.core.fields.text import tidy_spaces
from addin.core.table import CellValue

_ATOM = r"[a-zA-Z0-9_+-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_FAST = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,63}}")
_SPECIAL = tuple(SPECIAL_USE_DOMAIN_NAMES)
_SEVERAL = re.compile(r"[;,\s]+")

_REASONS: list[tuple[str, str]] = [
    ("must have an @-sign", "il manque le « @ »"),
    ("period", "le domaine après le @ est incomplet"),
    ("two periods", "deux points à la suite"),
    ("special-use", "domaine réservé, qui ne reçoit pas d'e-mails"),
    ("top-level domain", "l'extension après le dernier point n'existe pas"),
    ("hyphen", "tiret mal placé dans le domaine"),
    ("something before the @-sign", "rien avant le @"),
    ("something after the @-sign", "rien après le @"),
    ("too long", "adresse trop longue"),
    ("characters", "caractères non permis"),
    ("letter", "caractères non permis"),
]


def is_fast_valid(text: str) -> bool:
    """True when ``text`` is a plain address that email-validator accepts exactly as written."""
    if len(text) > 254 or not _FAST.fullmatch(text):
        return False
    local, _, domain = text.partition("@")
    if len(local) > 64 or "xn--" in domain or "--" in domain:
        return False
    return not any(domain == d or domain.endswith("." + d) for d in _SPECIAL)


#: ``is_fast_valid`` as one pattern, a little stricter (no "--" in a domain label, so no
#: "xn--" either), so the engine can sort a column's clean addresses out in bulk
#: (``addin.core.clean_shapes``). Written to be checked in one pass: a label's length in a
#: look-ahead, the reserved domains in look-behinds at the end.
_CLEAN_LABEL = r"(?=[a-z0-9-]{1,63}\.)[a-z0-9]+(?:-[a-z0-9]+)*"
_CLEAN_EMAIL = (
    rf"(?=.{{1,254}}\Z)(?=[^@]{{1,64}}@){_ATOM}(?:\.{_ATOM})*@(?:{_CLEAN_LABEL}\.)+[a-z]{{2,63}}"
    + "".join(f"(?<![@.]{re.escape(d)})" for d in _SPECIAL)
)


def _french_reason(message: str) -> str:
    return next((fr for key, fr in _REASONS if key in message), "syntaxe incorrecte")


def _refusal(text: str) -> str | None:
    """email-validator's message for ``text``, or ``None`` when it accepts it."""
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


#: A local part email-validator accepts: without an @-sign after it, the address is refused
#: for the missing @ alone (the commonest mistake, at 30 µs a call in email-validator).
_PLAIN_LOCAL = re.compile(rf"(?=.{{1,64}}\Z){_ATOM}(?:\.{_ATOM})*")
_NO_AT_SIGN = _refusal("a") or "An email address must have an @-sign."


class EmailChecker:
    """One address per cell, with the domain in lower case as email-validator normalises it."""

    def clean_shape(self) -> str:
        """Addresses returned unchanged without problem (``addin.core.clean_shapes``)."""
        return _CLEAN_EMAIL

    def check(self, value: CellValue) -> Outcome:
        text = as_text(value)
        if is_fast_valid(text):
            return Outcome(text)
        cleaned = tidy_spaces(text)
        if cleaned.lower().startswith("mailto:"):
            cleaned = cleaned[7:]
        parts = [p for p in _SEVERAL.split(cleaned) if p]
        if len(parts) > 1 and sum("@" in p for p in parts) > 1:
            first = self._normalise(parts[0])
            return Outcome(None, (problem("several-emails", "error", first),))
        candidate = cleaned.replace(" ", "")
        try:
            if "@" not in candidate and _PLAIN_LOCAL.fullmatch(candidate):
                raise EmailNotValidError(_NO_AT_SIGN)
            result = validate_email(candidate, check_deliverability=False)
        except EmailNotValidError as exc:
            message = str(exc)
            return Outcome(
                None,
                (
                    problem(
                        "invalid-email",
                        "error",
                        None,
                        reason=_french_reason(message),
                        reason_en=message.rstrip("."),
                    ),
                ),
            )
        normalised: str = result.normalized
        if normalised == text:
            return Outcome(normalised)
        if normalised.lower() == text.strip().lower():
            # a domain in capitals is the same address (domains ignore case): no word; spaces
            # around it are only spaces
            if normalised.lower() == text.lower():
                return Outcome(normalised)
            return Outcome(normalised, (problem("extra-spaces", "warning", normalised),))
        # a space inside the address or a "mailto:" in front: no platform takes it as typed
        return Outcome(normalised, (problem("email-format", "error", normalised),))

    @staticmethod
    def _normalise(text: str) -> str | None:
        try:
            return str(validate_email(text, check_deliverability=False).normalized)
        except EmailNotValidError:
            return None
