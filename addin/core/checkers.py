"""Builds the checker of each profile column once, before any cell is read."""

from __future__ import annotations

from collections.abc import Sequence

from addin.core.fields.base import FieldChecker
from addin.core.fields.choice import ChoiceChecker, FlagChecker
from addin.core.fields.country import CountryChecker
from addin.core.fields.dates import DateChecker
from addin.core.fields.email import EmailChecker
from addin.core.fields.identifiers import IdentifierChecker
from addin.core.fields.numbers import DecimalChecker, IntegerChecker
from addin.core.fields.phone import PhoneChecker
from addin.core.fields.postal import PostalCodeChecker
from addin.core.fields.text import TextChecker
from addin.core.profile import Column, Profile
from addin.core.table import CellValue, FormulaCell


def build_checker(
    column: Column, profile: Profile, values: Sequence[CellValue | FormulaCell]
) -> FieldChecker:
    """The checker for one column; ``values`` lets dates learn the column's day/month order."""
    match column.type:
        case "text":
            return TextChecker(None)
        case "email":
            return EmailChecker()
        case "phone":
            return PhoneChecker(
                column.phone_region or profile.phone_region, column.phone_format or "e164"
            )
        case "country":
            output = column.country_format or "fr_name"
            return CountryChecker(output, column.country_accepts)
        case "date":
            return DateChecker.for_column([v for v in values if not isinstance(v, FormulaCell)])
        case "postal_code":
            return PostalCodeChecker(profile.country)
        case "choice":
            return ChoiceChecker(column.choices or [], column.choice_aliases)
        case "flag":
            return FlagChecker(column.default or "N", consent=column.consent)
        case "decimal":
            assert column.integer_digits is not None and column.fraction_digits is not None
            return DecimalChecker(
                column.integer_digits, column.fraction_digits, column.minimum, column.maximum
            )
        case "integer":
            return IntegerChecker(column.minimum, column.maximum)
        case "siret" | "siren" | "vat" | "iban" | "bic":
            return IdentifierChecker(column.type, column.allow_values)
