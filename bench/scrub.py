"""What masking the platform's texts costs a listing: ``python -m bench.scrub 100000``.

A "replace everything" or a preview downloads every record the platform holds; each text of
each record goes through :meth:`addin.connectors.untrusted.Scrubber.remote` (two secrets
registered, as for Evoliz). Three kinds of texts: plain words, words with a character whose
lower case is two characters (the slow path of case folding), and hexadecimal runs (the worst
case: every text holds a run of the secrets' characters and is searched piece by piece).
"""

from __future__ import annotations

import secrets
import sys
import time

from addin.connectors.connector import RemoteRecord
from addin.connectors.untrusted import Scrubber


def main(count: int) -> None:
    scrubber = Scrubber()
    scrubber.add(f"tok{secrets.token_hex(16)}")
    scrubber.add(f"public-{secrets.token_hex(8)}")
    for kind, word in (("plain", "Lyon"), ("dotted I", "İstanbul"), ("hex runs", "2f3a9c1d0e")):
        records = [
            RemoteRecord(
                f"K{i}", str(i), {f"f{j}": f"Valeur {i} champ {j} {word}" for j in range(10)}
            )
            for i in range(count)
        ]
        start = time.perf_counter()
        for record in records:
            scrubber.remote(record)
        seconds = time.perf_counter() - start
        print(f"{kind:>9}: {count:,} records x 10 fields in {seconds:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
