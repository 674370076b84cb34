"""Where each element of a small XML part lies, with the namespaces in scope there.

Why: the package editor (``xlsx_package``, ``marks_writer``) changes a workbook with text
insertions and deletions, so that every byte it does not mean to change stays as the producer
wrote it. Finding the place to edit with a regular expression assumes one producer's spelling
(Excel's ``r:`` prefix declared on the root, double quotes, no prefix on the main namespace).
Other producers write otherwise and are equally valid: openpyxl once declared ``xmlns:r`` on
each ``<sheet>``, .NET libraries prefix the main namespace (``<x:worksheet>``), some write
single quotes, a byte order mark or new lines inside tags. Expat reads all of these; it reports
the byte offset of every start and end tag, so an edit can be made at the exact bytes, and what
is inserted can be written in the prefixes in scope there (:func:`fragment`).

Only small parts are read whole this way (index parts, styles, the tail of a sheet after its
cells: see :func:`sheet_tail`); a sheet's cells are never walked in Python.

Safety as in ``ooxml.parse_part``: any document type declaration is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from xml.parsers import expat

from addin.errors import UnsupportedFileError

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True, slots=True)
class Span:
    """One element: its namespace, local name, attributes (local names), and its bytes."""

    namespace: str
    name: str
    attributes: dict[str, str]
    start: int  # the "<" of its start tag
    open_end: int  # after its start tag
    end: int  # after its end tag (``open_end`` for ``<x/>``)
    depth: int  # 0 for the root
    #: prefix → namespace in scope inside the element ("" for the default namespace)
    scope: Mapping[str, str]
    close: int  # where its end tag starts (``open_end`` for ``<x/>``)


class _Broken(Exception):
    pass


def spans(data: bytes, part: str = "") -> list[Span]:
    """Every element of ``data`` in document order; a part that is not XML is refused."""
    opened: list[tuple[str, str, dict[str, str], int, int, dict[str, str]]] = []
    scopes: list[dict[str, str]] = [{"xml": "http://www.w3.org/XML/1998/namespace"}]
    pending: dict[str, str] = {}
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.namespace_prefixes = True
    slots: list[Span | None] = []

    def declare(prefix: str | None, uri: str | None) -> None:
        pending[prefix or ""] = uri or ""

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, local = _split(name)
        at = parser.CurrentByteIndex
        scope = {**scopes[-1], **pending}
        pending.clear()
        scopes.append(scope)
        open_end = _tag_end(data, at)
        attrs = {_split(key)[1]: value for key, value in attributes.items()}
        opened.append((namespace, local, attrs, at, open_end, scope))
        slots.append(None)

    def end(_name: str) -> None:
        namespace, local, attrs, at, open_end, scope = opened.pop()
        scopes.pop()
        index = len(slots) - 1
        while slots[index] is not None:
            index -= 1
        if data[open_end - 2 : open_end] == b"/>":
            close, after = open_end, open_end
        else:
            close = parser.CurrentByteIndex
            after = data.index(b">", close) + 1
        slots[index] = Span(namespace, local, attrs, at, open_end, after, len(opened), scope, close)

    def refuse(*_: object) -> None:
        raise _Broken("une déclaration de type de document (DTD)")

    parser.StartNamespaceDeclHandler = declare
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _Broken, ValueError) as error:
        where = f" ({part})" if part else ""
        raise UnsupportedFileError(
            f"le classeur est endommagé{where} : XML illisible ({error}) ; ouvrez-le dans "
            "Excel, enregistrez-le, puis recommencez",
            en=(
                f"the workbook is damaged{where}: unreadable XML ({error}); open it in "
                "Excel, save it, then try again"
            ),
        ) from None
    return [span for span in slots if span is not None]


def _split(name: str) -> tuple[str, str]:
    """Expat's ``"uri local prefix"`` (or ``"local"``) → (uri, local)."""
    pieces = name.split(" ")
    if len(pieces) == 1:
        return "", pieces[0]
    return pieces[0], pieces[1]


def _tag_end(data: bytes, at: int) -> int:
    """After the ``>`` that closes the start tag at ``at`` (quoted ``>`` in values skipped)."""
    quote = 0
    index = at + 1
    while True:
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return index + 1
        index += 1


def find(found: list[Span], namespace: str, name: str) -> list[Span]:
    return [span for span in found if span.namespace == namespace and span.name == name]


def first(found: list[Span], namespace: str, name: str) -> Span | None:
    return next((s for s in found if s.namespace == namespace and s.name == name), None)


_OWN_ELEMENT = re.compile(r"<(/?)([A-Za-z_][\w.-]*)(?=[\s/>])")


def fragment(xml: str, namespace: str, scope: Mapping[str, str]) -> str:
    """Our own ``xml`` (unprefixed elements of ``namespace``) as it must be written where
    ``scope`` holds: unchanged under that default namespace, else with the prefix bound to it,
    else with the default namespace declared on its top elements.

    An ``r:`` attribute in ``xml`` means the relationships namespace: its declaration is added
    to the top elements unless ``r`` already means that in ``scope``.
    """
    text = xml
    if scope.get("") != namespace:
        prefix = next((p for p, uri in scope.items() if uri == namespace and p), None)
        if prefix is not None:
            text = _OWN_ELEMENT.sub(lambda m: f"<{m.group(1)}{prefix}:{m.group(2)}", text)
        else:
            text = _declare_on_top(text, f' xmlns="{namespace}"')
    if " r:" in xml and scope.get("r") != REL_NS:
        text = _declare_on_top(text, f' xmlns:r="{REL_NS}"')
    return text


def _declare_on_top(xml: str, declaration: str) -> str:
    """``declaration`` added to every top-level start tag of a fragment of our own."""
    out: list[str] = []
    depth = 0
    position = 0
    for match in re.finditer(r"<(/?)[^>]*?(/?)>", xml):
        closing, empty = match.group(1), match.group(2)
        if closing:
            depth -= 1
            continue
        if depth == 0:
            name_end = re.match(r"<[^\s/>]+", xml[match.start() :])
            assert name_end is not None
            cut = match.start() + name_end.end()
            out += [xml[position:cut], declaration]
            position = cut
        if not empty:
            depth += 1
    out.append(xml[position:])
    return "".join(out)


def sheet_tail(sheet: bytes) -> tuple[int, list[Span]]:
    """The elements of a worksheet after its cells, with offsets into ``sheet``; and where
    that tail starts (after ``</sheetData>``, or after ``<sheetData/>``).

    The root's start tag and the tail are parsed as one small document, so the namespaces the
    producer declared on the root are known, whatever the size of the cells.
    """
    root_start = _root_start(sheet)
    root_end = _tag_end(sheet, root_start)
    closings = list(re.finditer(rb"</(?:[\w.-]+:)?sheetData\s*>", sheet[-_TAIL_SEARCH:]))
    closing = closings[-1] if closings else None
    if closing is not None:
        tail_start = len(sheet) - min(_TAIL_SEARCH, len(sheet)) + closing.end()
    else:
        empty = re.search(rb"<(?:[\w.-]+:)?sheetData\b[^>]*/>", sheet)
        if empty is None:
            full = re.search(rb"</(?:[\w.-]+:)?sheetData\s*>", sheet)
            if full is None:
                raise UnsupportedFileError(
                    "une feuille du classeur n'a pas de cellules lisibles",
                    en="a sheet of the workbook has no readable cells",
                )
            tail_start = full.end()
        else:
            tail_start = empty.end()
    head = sheet[root_start:root_end]
    shift = tail_start - len(head)
    found = spans(head + sheet[tail_start:], "feuille")
    shifted = [
        Span(
            s.namespace,
            s.name,
            s.attributes,
            s.start + shift if s.depth else root_start,
            s.open_end + shift if s.depth else root_end,
            s.end + shift,
            s.depth,
            s.scope,
            s.close + shift,
        )
        for s in found
    ]
    return tail_start, shifted


#: how far from the end ``</sheetData>`` is looked for first (the tail is rarely longer)
_TAIL_SEARCH = 1_000_000


def _root_start(data: bytes) -> int:
    """The "<" of the root element (after a byte order mark, declaration, comments)."""
    index = 0
    while True:
        index = data.index(b"<", index)
        following = data[index + 1 : index + 2]
        if following == b"?":
            index = data.index(b"?>", index) + 2
        elif data[index + 1 : index + 4] == b"!--":
            index = data.index(b"-->", index) + 3
        elif following == b"!":
            index = data.index(b">", index) + 1
        else:
            return index
