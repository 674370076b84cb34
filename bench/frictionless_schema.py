"""The Hokus rules as a Frictionless Table Schema, as close as Table Schema can express them.

Table Schema has no phone, country or postal-code types, so those become patterns and enums:
the comparison is generous to frictionless (fewer, cheaper checks than ours).
"""

from __future__ import annotations

from typing import Any

import pycountry

from addin.core.profiles import get_profile

DATE = r"^\d{2}/\d{2}/\d{4}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^\+?[0-9 .()-]{6,20}$"
ZIP = r"^[0-9A-Za-z -]{2,10}$"


def hokus_schema() -> dict[str, Any]:
    names = sorted(
        {c.name for c in pycountry.countries} | {"France", "Belgique", "Allemagne", "Suisse"}
    )
    codes = sorted(c.alpha_2 for c in pycountry.countries)
    fields: list[dict[str, Any]] = []
    for column in get_profile("hokus").fields:
        field: dict[str, Any] = {"name": column.header, "type": "string", "constraints": {}}
        constraints = field["constraints"]
        if column.required:
            constraints["required"] = True
        if column.max_length:
            constraints["maxLength"] = column.max_length
        if column.type == "choice":
            constraints["enum"] = column.choices
        elif column.type == "country":
            constraints["enum"] = names + codes
        elif column.type == "date":
            constraints["pattern"] = DATE
        elif column.type == "email":
            constraints["pattern"] = EMAIL
        elif column.type == "phone":
            constraints["pattern"] = PHONE
        elif column.type == "postal_code":
            constraints["pattern"] = ZIP
        if column.id == "distributorId":
            constraints["unique"] = True
        fields.append(field)
    return {"fields": fields, "primaryKey": ["distributorId"]}
