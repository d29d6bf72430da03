"""The Atom feed (RFC 4287) of a build folder, `feed.xml`: one entry per
briefing, updated when its content last changed, with what changed and
links to its files.

To say what changed, the manifest keeps per briefing a short hash of the
text of each passage it prints (`passage_hashes`), and, when its content
changes, the difference from the previous build (`last_change`: passages
added, removed, altered, with their pages). The feed is rendered from the
manifest alone, so a build that changes nothing writes the same bytes.

Identifiers do not depend on where the folder is published: a briefing's
entry id is a name-based UUID of its language and id. Links are relative to
the feed unless a base URL is configured.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any, NotRequired, TypedDict

from ..formats import REGISTRY
from ..labels import Labels, load_labels
from ..sentences import split

FEED = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
FEED_TYPE = "application/atom+xml"
# Entry ids are uuid5(FEED_NAMESPACE, "<language>/<briefing id>"): stable
# across builds, hosts and content versions. Chosen once; never change it,
# or every subscriber sees every briefing as new.
FEED_NAMESPACE = uuid.UUID("6f1c2b1e-5d0a-4b8e-9a43-0c7d1f3e9b52")


class PassageMark(TypedDict):
    pages: str
    sha256: str  # of the passage's text, shortened: enough to see that it changed


class SentenceChange(TypedDict):
    before: str  # "" for a sentence added
    after: str  # "" for a sentence removed


class ChangedPassage(TypedDict):
    id: str
    pages: str
    sentences: NotRequired[list[SentenceChange]]  # altered passages, when the old text was kept


class Change(TypedDict):
    """What changed in a briefing's content at its last change. `first`: it
    was new then. A change with no passage listed changed something else it
    shows (key messages, figures, commitments, marking)."""

    first: bool
    added: list[ChangedPassage]
    removed: list[ChangedPassage]
    altered: list[ChangedPassage]
    passages: NotRequired[int]


def passage_marks(passages: Iterable[Any]) -> dict[str, PassageMark]:
    """`passages`: content.Passage records (id, pages, text)."""
    return {p.id: PassageMark(pages=p.pages, sha256=text_key(p.text)) for p in passages}


def change_between(old: Mapping[str, PassageMark] | None, new: Mapping[str, PassageMark],
                   texts: Mapping[str, str] | None = None) -> Change:
    """What changed from `old` to `new`. `texts` maps a passage text's short
    hash to the text (the folder keeps those of its passages, see build.py):
    with it, an altered passage says which sentences changed."""
    if old is None:
        return Change(first=True, added=[], removed=[], altered=[], passages=len(new))

    def listed(ids: Iterable[str], marks: Mapping[str, PassageMark]) -> list[ChangedPassage]:
        return [ChangedPassage(id=i, pages=marks[i]["pages"]) for i in sorted(ids, key=lambda i: _page_key(marks[i]))]

    altered = listed((i for i in new.keys() & old.keys() if new[i]["sha256"] != old[i]["sha256"]), new)
    for item in altered:
        before, after = (texts or {}).get(old[item["id"]]["sha256"]), (texts or {}).get(new[item["id"]]["sha256"])
        if before is not None and after is not None:
            item["sentences"] = sentence_changes(before, after)
    return Change(first=False, added=listed(new.keys() - old.keys(), new), removed=listed(old.keys() - new.keys(), old),
                  altered=altered)


def text_key(text: str) -> str:
    """The short hash a passage mark records of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sentence_changes(before: str, after: str) -> list[SentenceChange]:
    """The sentences that differ between two versions of a passage, paired
    where one replaced another."""
    old, new = split(before), split(after)
    out: list[SentenceChange] = []
    for op, a, b, c, d in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        gone, came = list(old[a:b]), list(new[c:d])
        for i in range(max(len(gone), len(came))):
            out.append(SentenceChange(before=gone[i] if i < len(gone) else "", after=came[i] if i < len(came) else ""))
    return out


def _page_key(mark: PassageMark) -> tuple[int, str]:
    first = re.match(r"\d+", mark["pages"])
    return (int(first.group()) if first else 0, mark["pages"])


def summary(change: Change, words: Labels) -> str:
    """The change in words of the label catalogue, with the pages of the
    strategy where it is."""
    if change["first"]:
        return words.count("feed.first", change.get("passages", 0))
    parts = []
    for key in ("added", "removed", "altered"):
        items: list[ChangedPassage] = change[key]
        if items:
            pages = ", ".join(dict.fromkeys(i["pages"] for i in items))
            parts.append(words.count(f"feed.{key}", len(items), pages=words.text("citation", pages=pages)))
    if not parts:
        return words.text("feed.other")
    return words.text("feed.changed", changes=words.text("feed.separator").join(parts))


def sentence_lines(change: Change, words: Labels) -> list[str]:
    """Each changed sentence of the altered passages, before and after, in
    the words of the label catalogue."""
    lines = []
    for item in change["altered"]:
        where = words.text("citation", pages=item["pages"])
        for s in item.get("sentences", []):
            key = "feed.sentence_changed" if s["before"] and s["after"] else \
                "feed.sentence_added" if s["after"] else "feed.sentence_removed"
            lines.append(words.text(key, where=where, before=s["before"], after=s["after"]))
    return lines


def media_type(fmt: str) -> str:
    """A format's media type, without parameters (as feeds have always
    listed them)."""
    entry = REGISTRY.get(fmt)
    return entry.media_type.split(";")[0] if entry else "application/octet-stream"


def render_feed(manifest: Mapping[str, Any], words: Labels, title: str, base_url: str = "") -> bytes:
    """feed.xml as bytes. Text is set as element text and attribute values,
    which ElementTree escapes: content is never markup in the feed."""
    language = words.text("language")

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, tag, attrs)
        node.text = text
        return node

    def href(name: str) -> str:
        return base_url.rstrip("/") + "/" + name if base_url else name

    entries = sorted(manifest["briefings"], key=lambda e: e["id"])
    updated = max((_changed_at(e) for e in entries), default=manifest["build_time"])
    # Unqualified names under an xmlns on the root: the Atom namespace
    # without ElementTree's global prefix registry.
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": language})
    el(feed, "id", f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, language + '/catalogue')}")
    el(feed, "title", title)
    el(feed, "subtitle", manifest["source"])
    el(feed, "updated", updated)
    author = el(feed, "author")
    el(author, "name", words.text("metadata.organisation"))
    el(feed, "generator", manifest["generator"], version=str(manifest["generator_version"]))
    if base_url:
        el(feed, "link", rel="self", type=FEED_TYPE, href=href(FEED))
    el(feed, "link", rel="alternate", type="text/html", href=href("index.html"))
    for entry in entries:
        # An edition in another language: its entry says so, and speaks it.
        other = {"xml:lang": entry["language"]} if entry.get("language", language) != language else {}
        said = load_labels(entry["language"], words.path.parent.parent) if other else words
        item = el(feed, "entry", **other)
        el(item, "id", f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, language + '/' + entry['id'])}")
        el(item, "title", entry["title"])
        el(item, "updated", _changed_at(entry))
        change = entry.get("last_change")
        if change:
            el(item, "summary", summary(change, said), type="text")
            details = sentence_lines(change, said)
            if details:
                el(item, "content", "\n".join(details), type="text")
        for selector in entry["selectors"]:
            el(item, "category", term=f"{selector['kind']}-{selector['id']}", label=selector["label"])
        files = entry["files"]
        for fmt, info in files.items():  # a web page is the entry's alternate view
            if media_type(fmt) == "text/html":
                el(item, "link", rel="alternate", type="text/html", href=href(info["name"]),
                   **({"hreflang": entry["language"]} if other else {}))
        for fmt, info in sorted(files.items()):
            el(item, "link", rel="enclosure", type=media_type(fmt), length=str(info["bytes"]), href=href(info["name"]),
               **({"hreflang": entry["language"]} if other else {}))
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _changed_at(entry: Mapping[str, Any]) -> str:
    return str(entry.get("changed_at") or entry["built_at"])
