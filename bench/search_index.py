"""SQLite FTS5 against the in-memory index (generator/search.py), measured
(issue 25: "whichever measures better here").

Both answer the same question for a one-word query: which sentences hold
a word with the query's stem, or a compound the query starts (FTS5 has
prefix queries; a compound's head, 'aanval' in 'cyberaanvallen', it cannot
find without a trigram table, so that rule is left out of both here). FTS5
is fed the same Snowball stems the in-memory index holds, since its own
tokenizers know no Dutch. Prints build time and per-query time, best of
rounds, and checks that both found the same sentences.

    .venv/bin/python bench/search_index.py
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.content import load_content  # noqa: E402
from generator.query import fold, stem  # noqa: E402
from generator.search import MIN_PART, index_of  # noqa: E402

WORDS = ["Iran", "kernwapen", "cyber", "Rusland", "drugs", "energie", "terrorisme", "piraterij", "Europa", "VN"]


def memory(index, word: str) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    s, f = stem(fold(word)), fold(word)
    stems = {x for k in (s, f) for x in index.keys.get(k, ())}
    for key, its in index.keys.items():
        if len(f) >= MIN_PART and key.startswith(f) and len(key) - len(f) >= 3:
            stems |= its
    return {where for x in stems for where in index.where.get(x, ())}


def main() -> None:
    content = load_content(ROOT / "content")
    start = time.perf_counter()
    index = index_of(content)
    _ = index.keys
    memory_build = time.perf_counter() - start

    start = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table s using fts5(passage unindexed, n unindexed, stems, forms, "
               "tokenize='unicode61 remove_diacritics 2')")
    rows = []
    for passage_id, sentences in index.sentences.items():
        for n, stems in enumerate(sentences):
            forms = " ".join(f for x in stems for f in index.forms.get(x, ()))
            rows.append((passage_id, n, " ".join(stems), fold(forms)))
    db.executemany("insert into s values (?, ?, ?, ?)", rows)
    fts_build = time.perf_counter() - start

    def fts(word: str) -> set[tuple[str, int]]:
        s, f = stem(fold(word)), fold(word)
        match = f'stems:"{s}" OR forms:"{f}"' + (f' OR stems:"{f}"* OR forms:"{f}"*' if len(f) >= MIN_PART else "")
        return {(p, int(n)) for p, n in db.execute("select passage, n from s where s match ?", (match,))}

    times: dict[str, list[float]] = {"memory": [], "fts5": []}
    agree = 0
    for word in WORDS:
        for name, find in (("memory", lambda w: memory(index, w)), ("fts5", fts)):
            best = min(_timed(find, word) for _ in range(20))
            times[name].append(best)
        agree += memory(index, word) == fts(word)
    print(f"build: memory {memory_build * 1000:.0f} ms, fts5 {fts_build * 1000:.0f} ms ({len(rows)} sentences)")
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values) * 1e6:.0f} µs per one-word query "
              f"(best of 20 each, {len(WORDS)} words)")
    print(f"same sentences found for {agree} of {len(WORDS)} words")


def _timed(find, word: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    find(word)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
