"""Propose `mentions:` tags for review: for each passage and each region,
theme or ministry it carries, whether the passage only names the subject
in passing. A proposal, never a decision: the output is read and edited by
a person before it goes into content/passages (see README, "Two depths").

Heuristic: the subject is named in at most a third of the passage's
sentences, or only inside an enumeration (a sentence naming three or more
subjects of the same kind), and the passage is not a heading-like bullet.

    python tools/propose_mentions.py [content] > /tmp/proposals.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.content import load_content
from generator.sentences import split
from generator.taxonomy import SELECTOR_KINDS, Words


def main() -> None:
    content = load_content(Path(sys.argv[1] if len(sys.argv) > 1 else "content"))
    for passage in content.passages:
        if passage.kind == "footnote":
            continue
        sentences = split(passage.text)
        named = [{(e.kind, e.id) for kind in SELECTOR_KINDS for e, _ in content.taxonomies[kind].signalled(Words(s))}
                 for s in sentences]
        for kind in SELECTOR_KINDS:
            for tag in passage.tags(kind):
                hits = [i for i, n in enumerate(named) if (kind, tag) in n]
                if not hits:
                    continue
                enumerated = all(sum(1 for k, _ in named[i] if k == kind) >= 3 for i in hits)
                sparse = len(sentences) >= 2 and len(hits) * 3 <= len(sentences)
                if enumerated or sparse:
                    why = "enumeration" if enumerated else f"{len(hits)}/{len(sentences)} sentences"
                    print(f"{passage.id}\t{kind}\t{tag}\t{why}\t{sentences[hits[0]][:110]}")


if __name__ == "__main__":
    main()
