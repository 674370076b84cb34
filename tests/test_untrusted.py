"""What a platform says, cleaned before it is shown, stored or written back: secrets and their
pieces masked (whatever the case, wherever they are, before any cut), characters that UTF-8 or
XML refuse replaced by a visible U+FFFD."""

from __future__ import annotations

import json
import secrets

from hypothesis import given
from hypothesis import strategies as st

from addin.connectors.connector import Outcome, RemoteRecord
from addin.connectors.http import describe_error
from addin.connectors.untrusted import MASK, PIECE, Scrubber, readable

TOKEN = f"tok{secrets.token_hex(16)}"


def scrubber(*secrets_: str) -> Scrubber:
    found = Scrubber()
    for secret in secrets_:
        found.add(secret)
    return found


def pieces(text: str, secret: str = TOKEN, size: int = PIECE) -> list[str]:
    return [
        secret[i : i + size] for i in range(len(secret) - size + 1) if secret[i : i + size] in text
    ]


def test_the_whole_token_an_upper_cased_echo_and_pieces_of_it_are_masked() -> None:
    clean = scrubber(TOKEN).text
    assert clean(f"vu Bearer {TOKEN}.") == f"vu Bearer {MASK}."
    assert clean(f"VU {TOKEN.upper()}") == f"VU {MASK}"
    assert (
        clean(f"début {TOKEN[3:15]} milieu {TOKEN[20:30]} fin") == f"début {MASK} milieu {MASK} fin"
    )
    assert clean(f"{TOKEN}{TOKEN}") == MASK + MASK


def test_a_start_of_the_token_cut_by_the_platform_at_the_end_of_its_message_is_masked() -> None:
    clean = scrubber(TOKEN).text
    assert clean(f"jeton {TOKEN[:6]}") == f"jeton {MASK}"
    assert clean(f"{TOKEN[-6:]} en fin") == f"{MASK} en fin"
    assert clean("un texte ordinaire, 2026-01-01, client n° 12345") == (
        "un texte ordinaire, 2026-01-01, client n° 12345"
    )


def test_a_long_error_is_masked_before_it_is_cut() -> None:
    message = "." * 280 + f" {TOKEN}"
    said = describe_error({"message": message}, scrubber(TOKEN).text)
    assert len(said) <= 300
    assert pieces(said, size=4) == []


@given(st.text(max_size=60), st.text(max_size=60), st.integers(0, 40), st.integers(0, 40))
def test_no_piece_of_the_token_survives_wherever_and_however_cut(
    before: str, after: str, start: int, length: int
) -> None:
    echoed = TOKEN[start : start + PIECE + length]
    cleaned = scrubber(TOKEN).text(before + echoed + after)
    assert pieces(cleaned) == []


@given(st.text())
def test_what_is_cleaned_can_be_encoded_and_put_in_xml(text: str) -> None:
    cleaned = readable(text)
    cleaned.encode("utf-8")
    assert all(c in "\t\n\r" or ord(c) >= 0x20 for c in cleaned)
    assert "\ufffe" not in cleaned and "\uffff" not in cleaned
    assert len(cleaned) == len(text)


def test_a_lone_surrogate_becomes_a_visible_replacement() -> None:
    text = json.loads('"refus \\ud800 net\\u0007"')
    assert scrubber(TOKEN).text(text) == "refus \ufffd net\ufffd"


def test_outcomes_and_listed_records_are_cleaned_in_every_text() -> None:
    clean = scrubber(TOKEN)
    outcome = Outcome(
        "K1", "error", f"id-{TOKEN}", f"vu {TOKEN}", {f"nom {TOKEN}": [f"vu {TOKEN[:10]}"]}
    )
    assert clean.outcome(outcome) == Outcome(
        "K1", "error", f"id-{MASK}", f"vu {MASK}", {f"nom {MASK}": [f"vu {MASK}"]}
    )
    listed = RemoteRecord(f"K-{TOKEN}", TOKEN, {"note": f"{TOKEN}", f"x{TOKEN}": [TOKEN, 1]})
    assert clean.remote(listed) == RemoteRecord(
        f"K-{MASK}", MASK, {"note": MASK, f"x{MASK}": [MASK, 1]}
    )


def test_short_secrets_are_masked_whole_only() -> None:
    clean = scrubber("ab12").text
    assert clean("code ab12 et AB12") == f"code {MASK} et {MASK}"
    assert clean("ab1") == "ab1"
    assert scrubber("ab").text("ab") == "ab"  # too short to mask without garbling
