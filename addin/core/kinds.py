"""The three kinds of a problem, as an accountant acts on them, and their words: one table for
the marks' notes, the report sheet's legend and « Gravité » column, and the ribbon's
« Expliquer cette cellule ».

Why three and not the report's two severities: of the errors (the platform would refuse the
cell as typed), some only a person can put right (an e-mail address nobody can guess) and some
the product writes in the platform's form on its own (`core.safety`: « Corriger », the
platform file and « Envoyer » do it). The accountant must see the first at a glance, need not
act on the second, and may look at warnings when there is time.

A kind's number is also what the hidden marks sheet holds for a marked cell, and the worse
kind is the larger number, so a row's tint is the ``max`` of its cells' kinds.
"""

from __future__ import annotations

from enum import IntEnum

from addin.core.catalogue import Lang
from addin.core.report import Issue, Report


class Kind(IntEnum):
    """What the user has to do about a problem, the worse the larger."""

    #: a warning: the platform accepts it, but it is probably wrong
    LOOK = 1
    #: an error the product writes in the platform's form on its own (fix, export, send)
    PRODUCT = 2
    #: an error only a person can put right: the row is held back until then
    PERSON = 3


#: From the worst to the mildest: the order of the report's lines and of the legend.
WORST_FIRST = (Kind.PERSON, Kind.PRODUCT, Kind.LOOK)


def kind_of(report: Report, issue: Issue) -> Kind:
    """The kind of one of ``report``'s issues (the one rule of ``core.safety`` decides)."""
    if issue.severity != "error":
        return Kind.LOOK
    return Kind.PRODUCT if report.fixable(issue) else Kind.PERSON


#: A kind in a few words: the notes' prefix, the report's « Gravité » column, the legend.
KIND_WORDS: dict[Lang, dict[Kind, str]] = {
    "fr": {
        Kind.PERSON: "À corriger par vous",
        Kind.PRODUCT: "Correction automatique",
        Kind.LOOK: "À vérifier",
    },
    "en": {
        Kind.PERSON: "Fix it yourself",
        Kind.PRODUCT: "Automatic fix",
        Kind.LOOK: "Worth a look",
    },
}

#: What to do about each kind: one sentence per kind, for the report sheet's legend.
KIND_ADVICE: dict[Lang, dict[Kind, str]] = {
    "fr": {
        Kind.PERSON: "La plateforme refuserait ces valeurs et seul vous savez les corriger : "
        "corrigez-les, puis vérifiez à nouveau ; d'ici là, leurs lignes ne sont ni exportées "
        "ni envoyées.",
        Kind.PRODUCT: "La plateforme refuserait ces valeurs telles quelles, mais « Corriger », "
        "« Fichier pour la plateforme » et « Envoyer à la plateforme » écrivent la forme "
        "proposée (colonne « À taper ») : rien à faire si elle vous convient.",
        Kind.LOOK: "La plateforme les accepte, mais elles semblent fausses : jetez-y un œil "
        "quand vous le pouvez ; elles n'empêchent pas l'import.",
    },
    "en": {
        Kind.PERSON: "The platform would refuse these values and only you can correct them: "
        "correct them, then check again; until then their rows are neither exported nor sent.",
        Kind.PRODUCT: 'The platform would refuse these values as typed, but "Fix", "Export '
        'platform file" and "Send to platform" write the proposed form ("Type instead" '
        "column): nothing to do if it suits you.",
        Kind.LOOK: "The platform accepts them, but they look wrong: have a look when you can; "
        "they do not stop the import.",
    },
}


def with_kind(kind: Kind, message: str, lang: Lang) -> str:
    """``À corriger par vous : message``: a message introduced by its kind, in a note or in
    the ribbon's explanation of a cell."""
    colon = " : " if lang == "fr" else ": "
    return f"{KIND_WORDS[lang][kind]}{colon}{message}"
