"""Text that comes from a platform, made safe to show, store and write back.

Whatever a platform answers (messages, field names, ids, keys, the fields of its records)
ends up on the user's screen, in the journal (SQLite), in status cells and side files. Two
things must never get there:

- **our secrets**: a careless platform echoes the token or a key it received (in a message,
  in a field name, as an id). :class:`Scrubber` masks every registered secret, and also every
  piece of one of :data:`PIECE` characters or more, anywhere, and a start or an end of a
  secret of :data:`EDGE` characters or more left at the edge of a text (a platform that cut
  its own message after part of the token). Matching ignores case: a platform that
  upper-cases what it echoes still echoes it. Masking is done on the whole text, before any
  cut for display: cutting first could leave a piece that no longer matches the whole secret.
- **characters that cannot be stored or written**: a lone surrogate (the JSON escape
  ``"\\ud800"`` is valid JSON) cannot be encoded in UTF-8, so SQLite and every file writer
  raise on it; C0 control characters, U+FFFE and U+FFFF are forbidden in XML 1.0, so a
  workbook holding one does not open. :func:`readable` replaces each with U+FFFD, a visible
  mark that something was there. Tab, line feed and carriage return are kept.

Values the user sent are never passed through here: only what the platform said.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from addin.connectors.connector import JsonValue, Outcome, RemoteRecord

#: What replaces a secret or a piece of one.
MASK = "***"
#: What replaces a character that cannot be stored or written.
REPLACEMENT = "\ufffd"
#: A run of this many characters of a secret is masked wherever it appears.
PIECE = 8
#: A start or an end of a secret this long is masked at the edge of a text (a cut).
EDGE = 6
#: Secrets shorter than this are not masked: replacing "ab" everywhere would garble messages.
MIN_SECRET = 4
#: The longest id, field name and message kept from a platform's answer (cut after masking):
#: an id is short, and a status cell holds 32,767 characters at most.
MAX_ID = 255
MAX_NAME = 255
MAX_MESSAGE = 2000

_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def readable(text: str) -> str:
    """``text`` with lone surrogates, C0 controls (but tab, LF, CR), U+FFFE and U+FFFF
    replaced by U+FFFD: storable in UTF-8 and writable in XML."""
    return _UNREADABLE.sub(REPLACEMENT, text)


def cut(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its start and "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _class(characters: str) -> str:
    """``characters`` escaped for a regular expression's ``[...]``."""
    return "".join("\\" + c if c in "\\]^-[" else c for c in characters)


def _folded(text: str) -> str:
    """Lower case, one character for one (so positions still match ``text``)."""
    folded = text.lower()
    if len(folded) == len(text):  # nearly always: no "İ" that lowers to two characters
        return folded
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


class Scrubber:
    """The secrets of one connection, and the masking of everything the platform says."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pieces: re.Pattern[str] | None = None
        self._runs: re.Pattern[str] | None = None
        #: a run long enough for a piece or an edge: without one, the text is left as it is
        self._maybe: re.Pattern[str] | None = None

    def add(self, secret: str) -> None:
        """Mask ``secret`` (and its pieces) in every text cleaned from now on."""
        if len(secret) < MIN_SECRET or _folded(secret) in self._secrets:
            return
        self._secrets.add(_folded(secret))
        starts = {s[: min(PIECE, len(s))] for s in self._secrets}
        grams = {s[i : i + PIECE] for s in self._secrets for i in range(len(s) - PIECE + 1)}
        alternatives = sorted(grams | starts, key=len, reverse=True)
        self._pieces = re.compile("|".join(re.escape(g) for g in alternatives))
        # a piece is a run of the secrets' characters: finding those runs first is one quick
        # scan, where trying every piece at every position of every text would be slow
        alphabet = "".join(sorted({c for s in self._secrets for c in s}))
        shortest = min(len(piece) for piece in alternatives)
        self._runs = re.compile(f"[{_class(alphabet)}]{{{shortest},}}")
        self._maybe = re.compile(f"[{_class(alphabet)}]{{{min(shortest, EDGE)},}}")

    def text(self, text: str) -> str:
        """``text`` readable (see :func:`readable`) and without any secret or piece of one."""
        text = readable(text)
        if self._maybe is None or self._maybe.search(text.lower()) is None:
            return text  # most texts: no run of a secret's characters long enough to matter
        folded = _folded(text)
        spans = self._spans(folded)
        spans += self._edges(folded)
        if not spans:
            return text
        kept: list[str] = []
        position = 0
        for start, end in sorted(spans):
            if end <= position:
                continue
            if start >= position:
                kept.append(text[position:start])
                kept.append(MASK)
            position = end
        kept.append(text[position:])
        return "".join(kept)

    def _spans(self, folded: str) -> list[tuple[int, int]]:
        """Where runs of a secret's characters (at least :data:`PIECE`, or a whole short
        secret) are, each extended as far as it goes on."""
        assert self._pieces is not None and self._runs is not None
        spans: list[tuple[int, int]] = []
        for run in self._runs.finditer(folded):
            start, stop = run.span()
            while (found := self._pieces.search(folded, start, stop)) is not None:
                begin, end = found.span()
                for secret in self._secrets:
                    if folded[begin:end] in secret:
                        while end < stop and folded[begin : end + 1] in secret:
                            end += 1
                spans.append((begin, end))
                start = end
        return spans

    def _edges(self, folded: str) -> list[tuple[int, int]]:
        """A secret's start left at the end of the text, or its end at the start."""
        spans: list[tuple[int, int]] = []
        if len(folded) < EDGE:
            return spans
        head, tail = folded[:EDGE], folded[-EDGE:]
        for secret in self._secrets:
            # a quick look first: the edge's characters must be found in the secret at all
            if tail in secret:
                for size in range(min(len(secret), len(folded)), EDGE - 1, -1):
                    if folded.endswith(secret[:size]):
                        spans.append((len(folded) - size, len(folded)))
                        break
            if head in secret:
                for size in range(min(len(secret), len(folded)), EDGE - 1, -1):
                    if folded.startswith(secret[-size:]):
                        spans.append((0, size))
                        break
        return spans

    def optional(self, text: object, limit: int) -> str | None:
        """A platform's id or message as clean text, cut to ``limit``; ``None`` stays."""
        return None if text is None else cut(self.text(str(text)), limit)

    def json(self, value: JsonValue) -> JsonValue:
        """Every text of a JSON value cleaned, object keys included."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value

    def outcome(self, outcome: Outcome) -> Outcome:
        """An outcome with its id, message, field names and field messages cleaned.

        Its key is ours (the record's), not the platform's, and is kept as it is.
        """
        return replace(
            outcome,
            id=self.optional(outcome.id, MAX_ID),
            message=self.optional(outcome.message, MAX_MESSAGE),
            field_errors=self._field_errors(outcome.field_errors),
            en=self.optional(outcome.en, MAX_MESSAGE),
        )

    def _field_errors(self, errors: Mapping[str, object]) -> dict[str, list[str]]:
        cleaned: dict[str, list[str]] = {}
        for name, messages in errors.items():
            listed = messages if isinstance(messages, list | tuple) else [messages]
            cleaned.setdefault(cut(self.text(str(name)), MAX_NAME), []).extend(
                cut(self.text(str(m)), MAX_MESSAGE) for m in listed if m is not None
            )
        return cleaned

    def remote(self, record: RemoteRecord) -> RemoteRecord:
        """A record the platform listed, its key, id and fields cleaned (they are shown in
        previews and saved in backups)."""
        try:
            fields = self.json(dict(record.fields))
        except RecursionError:  # nested deeper than Python's stack: not a record's fields
            fields = {}
        return RemoteRecord(
            self.text(record.key),
            self.optional(record.id, MAX_ID),
            fields if isinstance(fields, dict) else {},
        )
