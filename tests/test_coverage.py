"""The content is the strategy, complete and verbatim: every sentence of the
source is in content/, every passage is in the source, in the same order."""

from __future__ import annotations

import re

from conftest import SOURCE

from generator.content import Content

FOOTER = re.compile(r"^Tweede Kamer, vergaderjaar 2012–2013, 33 694, nr\. 1 \d+\s*$")
# Footnote markers glued to a word in the source ("stellen1.", "Omgevingsanalyse2");
# content keeps them as references, not as text.
MARKER = re.compile(r"(?<=[a-z])[12](?=[\s.])")


def normalise(text: str) -> str:
    """Case, whitespace, hyphens and quotes do not count."""
    text = text.lower()
    text = re.sub(r"[\s\-‐‑–—­]+", "", text)
    return re.sub(r"[’‘'“”\"«»•]", "", text)


def source_lines() -> list[str]:
    return [line for line in SOURCE.read_text(encoding="utf-8").splitlines() if not FOOTER.match(line)]


def sentences() -> list[str]:
    text = MARKER.sub("", "\n".join(source_lines()))
    text = re.sub(r"^[12] (?=[A-Z])", "", text, flags=re.MULTILINE)  # footnote numbers
    parts = re.split(r"(?<=[.?!:;])\s+|•|\n\s*\n", text)
    return [p.strip() for p in parts if normalise(p)]


def corpus(content: Content) -> str:
    """All text of content/ in document order, headings where they stand."""
    pieces: list[str] = []
    chapter, section = "", tuple[str, ...]()
    for passage in content.passages:
        if passage.chapter != chapter:
            chapter, section = passage.chapter, ()
            pieces.append(content.chapter(chapter).printed_title)
        if passage.section != section:
            section = passage.section
            pieces.extend(section)
        pieces.append(passage.text)
    return normalise(" ".join(pieces))


def test_every_sentence_of_the_source_is_in_content(content: Content) -> None:
    found = corpus(content)
    all_sentences = sentences()
    missing = [s for s in all_sentences if normalise(s) not in found]
    assert len(all_sentences) > 600
    assert missing == [], f"{len(missing)} of {len(all_sentences)} sentences missing, e.g. {missing[:3]}"


def test_every_passage_is_verbatim_from_the_source_in_document_order(content: Content) -> None:
    source = normalise(MARKER.sub("", "\n".join(source_lines())))
    position = 0
    for passage in content.passages:
        text = normalise(passage.text)
        if passage.kind == "footnote":  # printed at the foot of page 5, kept beside its reference
            assert text in source, passage.id
            continue
        found = source.find(text, position)
        assert found >= 0, f"{passage.id} is not in the source after the previous passage"
        position = found + len(text)


def test_rejoined_words_keep_real_compounds(content: Content) -> None:
    text = " ".join(p.text for p in content.passages)
    for compound in ("Noord-Afrika", "Latijns-Amerika", "financieel-economische", "non-proliferatie",
                     "trans-Atlantische", "defensie-uitgaven"):
        assert compound in text
    for joined in ("grondstoffen", "massavernietigingswapens", "internationale", "ontwikkelingssamenwerking"):
        assert joined in text
    for broken in ("grond- stoffen", "interna- tionale", "Neder- landse", "econo- mische"):
        assert broken not in text


def test_pages_follow_the_source_page_table(content: Content) -> None:
    pages = {p.id: p.page for p in content.passages}
    assert pages["brief-01"] == 1
    assert pages["voetnoot-1"] == 5 and pages["voetnoot-2"] == 5
    assert all(1 <= p.page <= p.page_end <= 25 for p in content.passages)
    in_order = [p.page for p in content.passages if p.kind != "footnote"]
    assert in_order == sorted(in_order)
