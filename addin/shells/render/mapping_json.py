"""The ``map --json`` answer: what the text listing says, for a program.

The text says, per column, the field it feeds, how sure, and why, including what the
proposal alone cannot see: address parts joined into one field (« Adresse 1 »), a column of
whole names or addresses split into several, two columns fighting for one field. The JSON says
the same, from the same :class:`~addin.usecases.mapping_file.FileMapping`, so the two never
disagree (``tests/test_mapping_json.py`` compares them on every fixture).

Contract (keys are only ever added): ``profile``, ``origin`` (``automatic`` or ``stored``),
``missing_required`` (field ids), and ``mapping``, one object per column of the file:

- ``column``, ``letter``: the header and the column's letter;
- ``field``: the one field the column feeds, ``null`` when it feeds none or several (a split);
- ``fields``: every field it feeds (``[]``, one, or the parts of a split);
- ``how``: ``direct`` (as it is), ``joined`` (with ``partners``, in the file's order),
  ``split`` (one column divided into ``fields``), ``conflict`` (several columns chose one
  field that holds one value: none is used until the user picks), or ``null``;
- ``partners``: the other columns of the same join or conflict;
- ``confidence``, ``reason`` (a code: ``alias``, ``joined``, ``stored``...), ``reason_text``
  (the words the text listing shows, in the chosen language), ``evidence`` (what the cells
  said when they weighed in: ``empty``, ``flags``, ``postal-codes``, ``numbers``, else ``null``) and
  ``rival`` (for ``taken``: the column that feeds the field instead); ``remembered_on`` (the
  day, ISO) for a choice the user made on a file with the same headers.
"""

from __future__ import annotations

from addin.core.choices import plan_feeds
from addin.core.report import column_letter
from addin.usecases.mapping_file import FileMapping


def map_json(mapped: FileMapping) -> dict[str, object]:
    """The ``map --json`` document of ``mapped``."""
    headers = mapped.table.headers
    fields: dict[int, list[str]] = {}
    how: dict[int, str] = {}
    partners: dict[int, list[int]] = {}
    profile = mapped.profile
    plan = plan_feeds(mapped.resolved.choices, profile)
    # a split's fields in the order its label names them (street, postal code, city)
    parts = [
        name
        for split in (profile.mapping.name, profile.mapping.address)
        if split
        for name, _ in split
    ]
    feeds = sorted(plan.feeds, key=lambda f: parts.index(f.part) if f.part in parts else -1)
    for feed in feeds:
        for position in feed.sources:
            fields.setdefault(position, []).append(feed.field.id)
            if feed.part is not None:
                how[position] = "split"
            elif len(feed.sources) > 1:
                how[position] = "joined"
                partners[position] = [p for p in feed.sources if p != position]
            else:
                how[position] = "direct"
    for conflict in plan.conflicts:
        for position in conflict.sources:
            fields[position] = [conflict.field.id]
            how[position] = "conflict"
            partners[position] = [p for p in conflict.sources if p != position]
    proposed = {c.position: c for c in mapped.resolved.proposal.columns}
    mapping: list[dict[str, object]] = []
    for line in mapped.lines:
        position = line.position
        fed = fields.get(position, [])
        mapping.append(
            {
                "column": line.column,
                "letter": column_letter(position),
                "field": fed[0] if len(fed) == 1 else None,
                "fields": fed,
                "how": how.get(position),
                "partners": [headers[p] for p in partners.get(position, [])],
                "confidence": round(line.confidence, 2),
                "reason": line.code,
                "reason_text": line.reason,
                "evidence": proposed[position].evidence,
                "rival": proposed[position].rival,
                # the day the user chose it (``reason`` ``remembered``), else absent
                **(
                    {"remembered_on": proposed[position].remembered_on}
                    if proposed[position].remembered_on
                    else {}
                ),
            }
        )
    return {
        "profile": mapped.profile.name,
        "origin": mapped.resolved.origin,
        "mapping": mapping,
        "missing_required": mapped.missing_required,
    }
