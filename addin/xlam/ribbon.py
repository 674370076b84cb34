"""The ribbon XML in the language asked for, and the VBA callbacks it names.

The ribbon's language is chosen when the add-in is built (``addin build --lang en``, or
``addin install --lang en``): Excel reads static labels once, and dynamic ones (``getLabel``)
would need VBA to know the Python setting. Rebuilding is one command, so the simple way wins;
``vba/README.md`` says so to whoever changes it.

The French text is ``vba/customUI14.xml`` itself; English replaces each control's ``label``,
``screentip`` and ``supertip`` from ``vba/labels-en.toml``, by control id. Both sides are checked:
an id with a label and no English, or English for an id the XML lacks, stops the build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree import ElementTree

from addin.core.catalogue import Lang
from addin.errors import AddinBuildError

NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"
#: Where the part lives in the package, and the relationship type that points at it from
#: ``_rels/.rels``: the *2007* "ui/extensibility" type names the Office 2010 (2009/07) ribbon;
#: the 2006 type is for the older ``customUI.xml`` the template carries.
PART = "customUI/customUI14.xml"
RELATIONSHIP_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
OLD_RELATIONSHIP_TYPE = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
#: The attributes whose value is a VBA procedure, with the parameters Office passes to it after
#: ``control As IRibbonControl`` (the dropDown's onAction has two more, see ``callbacks``).
CALLBACK_PARAMETERS: Mapping[str, int] = {
    "onAction": 0,
    "getItemCount": 1,
    "getItemLabel": 2,
    "getItemID": 2,
}
TEXTS = ("label", "screentip", "supertip")


@dataclass(frozen=True)
class Callback:
    """One procedure the ribbon calls: ``Module.Sub``, and how many parameters it must take."""

    control: str
    attribute: str
    module: str
    procedure: str
    parameters: int  # IRibbonControl included


def ribbon_xml(source: bytes, lang: Lang, english: Mapping[str, Mapping[str, str]]) -> bytes:
    """The ribbon part: ``source`` as it is in French, with the English texts in English."""
    root = _parse(source)
    labelled = {
        element.get("id", ""): element
        for element in root.iter()
        if any(element.get(name) is not None for name in TEXTS)
    }
    missing = sorted(set(labelled) - set(english))
    unknown = sorted(set(english) - set(labelled))
    if missing or unknown:
        raise AddinBuildError(
            "labels-en.toml ne correspond pas à customUI14.xml : "
            + "; ".join(
                part
                for part in (
                    f"sans anglais : {', '.join(missing)}" if missing else "",
                    f"inconnus du ruban : {', '.join(unknown)}" if unknown else "",
                )
                if part
            ),
            en=(
                "labels-en.toml does not match customUI14.xml: "
                + "; ".join(
                    part
                    for part in (
                        f"without English: {', '.join(missing)}" if missing else "",
                        f"unknown to the ribbon: {', '.join(unknown)}" if unknown else "",
                    )
                    if part
                )
            ),
        )
    if lang == "fr":
        return source
    for control, element in labelled.items():
        for name in TEXTS:
            if element.get(name) is not None:
                text = english[control].get(name)
                if text is None:
                    raise AddinBuildError(
                        f"labels-en.toml : [{control}] n'a pas de {name}",
                        en=f"labels-en.toml: [{control}] has no {name}",
                    )
                element.set(name, text)
    ElementTree.register_namespace("", NAMESPACE)
    written: bytes = ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return written


def callbacks(source: bytes) -> list[Callback]:
    """Every ``Module.Sub`` the ribbon names, in document order."""
    found: list[Callback] = []
    for element in _parse(source).iter():
        tag = element.tag.rsplit("}", 1)[-1]
        for attribute, extra in CALLBACK_PARAMETERS.items():
            value = element.get(attribute)
            if value is None:
                continue
            module, _, procedure = value.rpartition(".")
            # a dropDown's onAction also gets the chosen item's id and index
            more = 2 if (tag == "dropDown" and attribute == "onAction") else extra
            found.append(Callback(element.get("id", ""), attribute, module, procedure, 1 + more))
    return found


def _parse(source: bytes) -> ElementTree.Element:
    try:
        root = ElementTree.fromstring(source)
    except ElementTree.ParseError as error:
        raise AddinBuildError(
            f"customUI14.xml n'est pas du XML valide : {error}",
            en=f"customUI14.xml is not valid XML: {error}",
        ) from None
    if root.tag != f"{{{NAMESPACE}}}customUI":
        raise AddinBuildError(
            f"customUI14.xml : la racine doit être customUI de {NAMESPACE}",
            en=f"customUI14.xml: the root must be customUI of {NAMESPACE}",
        )
    return root


def labels(source: bytes) -> dict[str, str]:
    """Control id → its label, as the built ribbon shows it."""
    return {
        element.get("id", ""): element.get("label", "")
        for element in _parse(source).iter()
        if element.get("label") is not None
    }
