"""Translations of the strategy, as content: content/translations/<language>/.

The Dutch text is the original and stays authoritative; an edition in
another language prints each passage in Dutch with an unofficial
translation beside it. A translation is content like any other: reviewed,
versioned, checked.

    content/translations/en/
      glossary.yaml            the strategy's terms, each always translated the same way
      key-messages.yaml        what the project writes about the strategy, in the layout of the
      taxonomy.yaml            Dutch file it translates (key messages by subject and position;
      commitments.yaml         descriptions by kind and id; commitments, figures and charts by id;
      figures.yaml             headings by chapter id and by the slug of the Dutch heading),
      charts.yaml              each entry with `source` and `status` as below
      headings.yaml
      passages/*.yaml          one entry per passage of content/passages/, by id:

    - id: omgeving-03
      source: "4f2a9c1b7e4d"   # the first 12 hex digits of the SHA-256 of the Dutch text translated
      status: draft            # draft, or reviewed (then reviewed_by and reviewed_on)
      text: >-
        The English text.

A `source` hashes the Dutch it translates: a passage's text, or the Dutch
fields of a record joined by U+001F (`fields_hash`).

What `check` finds (README, "Editions and languages"):
- errors: an entry for a passage that does not exist, an id twice, a
  status other than draft or reviewed, reviewed without who and when, a
  source that is not 12 hex digits;
- warnings (errors under `check --strict`): a passage or record without a
  translation; a stale one (the Dutch changed since: its hash is no longer
  `source`); a passage's translation with another number of sentences
  than its Dutch (an excerpt prints the same sentences of both); a translation that does not use the glossary's term where the
  Dutch uses the glossary's word;
- drafts: listed by `check --strict`, which does not fail on them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .errors import Location, Problem, suggest
from .schema import Choice, Date, Field, Invalid, Raw, Record, Text, items
from .sentences import split as split_sentences
from .yamlio import LocatedDict, read_yaml


class Passage(Protocol):
    """What a translation is checked against: a passage of content.py (not
    imported here: content.py imports this module)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def location(self) -> Location: ...

LANGUAGE_NAMES = {"en": "English"}  # for messages; another language is named by its code
DRAFT, REVIEWED = "draft", "reviewed"
TODO = "TODO"  # what a skeleton holds where the translation goes
HASH_RE = re.compile(r"^[0-9a-f]{12}$")


def text_hash(text: str) -> str:
    """What a translation's `source` records of the Dutch text it translates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def fields_hash(*fields: str) -> str:
    """What a record's translation records of the Dutch fields it translates."""
    return text_hash("\x1f".join(fields))


class SourceHash(Field[str]):
    default = ""

    def read(self, value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise Invalid("'{key}' must be written in quotes (\"0123456789ab\"): YAML reads digits as a number")
        if not isinstance(value, str) or not HASH_RE.match(value.strip()):
            raise Invalid(f"'{{key}}' must be 12 hex digits (the start of the SHA-256 of the Dutch text), "
                          f"not '{value}'")
        return value.strip()


PASSAGE = Record("translation", {
    "id": Text(), "source": SourceHash(), "status": Choice((DRAFT, REVIEWED), noun="status"),
    "reviewed_by": Text(required=False), "reviewed_on": Date(required=False), "text": Text(),
}, named_by="id")
TERM = Record("glossary term", {"nl": Text(), "en": Raw()})


@dataclass(frozen=True, slots=True)
class Translated:
    """One passage's translation."""

    id: str
    text: str
    status: str
    source: str  # text_hash of the Dutch it translates
    reviewed_by: str
    reviewed_on: str
    location: Location

    @property
    def draft(self) -> bool:
        return self.status == DRAFT


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry: where the Dutch has `nl` (a trailing * matches any
    ending), the translation has one of `en`."""

    nl: str
    en: tuple[str, ...]
    location: Location

    def in_dutch(self, text: str) -> bool:
        word = self.nl.rstrip("*")
        ending = r"\w*" if self.nl.endswith("*") else r"(?!\w)"
        return re.search(r"(?<!\w)" + re.escape(word) + ending, text, re.IGNORECASE) is not None

    def in_translation(self, text: str) -> bool:
        folded = text.casefold()
        return any(e.casefold() in folded for e in self.en)


@dataclass(frozen=True, slots=True)
class Fields:
    """The translation of a record's Dutch fields: a key message, a
    subject's description, a commitment, a key figure, a chart."""

    key: str  # "key-messages/regions/sahel/0", "taxonomy/themes/piracy", "figures/kosten-piraterij"
    values: dict[str, Any]  # English field -> its text (a chart's `bars`: a tuple of texts)
    status: str
    source: str
    location: Location

    @property
    def draft(self) -> bool:
        return self.status == DRAFT


@dataclass(frozen=True, slots=True)
class Original:
    """A Dutch record that a translation file translates: the key of its
    translation, its fields (what `source` hashes), the English fields its
    translation gives, where it stands, and its text for the glossary."""

    key: str
    fields: tuple[str, ...]
    wanted: tuple[str, ...]
    location: Location
    text: str = ""


@dataclass(frozen=True, slots=True)
class Translation:
    """All of one language's translations."""

    language: str
    passages: dict[str, Translated]
    glossary: tuple[Term, ...]
    records: dict[str, Fields] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    def drafts(self) -> list[str]:
        return [t.id for t in self.passages.values() if t.draft]

    def record_drafts(self) -> list[str]:
        return [r.key for r in self.records.values() if r.draft]

    def record(self, key: str, *dutch: str) -> Fields | None:
        """The translation of a record (`key` as in `Fields`) if it translates
        the record's Dutch fields as they are now."""
        found = self.records.get(key)
        return found if found is not None and found.source == fields_hash(*dutch) else None

    def current(self, passage: Passage) -> Translated | None:
        """The passage's translation if it translates the passage's text as it is now."""
        found = self.passages.get(passage.id)
        return found if found is not None and found.source == text_hash(passage.text) else None


def load_translations(root: Path, passages: Sequence[Passage], originals: dict[str, list[Original]],
                      problems: list[Problem]) -> dict[str, Translation]:
    """Every language under root/translations/, checked against `passages`
    and, per translation file (its name without .yaml), the Dutch records
    it translates (`originals`; see content.py)."""
    folder = root / "translations"
    if not folder.is_dir():
        return {}
    found = {}
    for language_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not re.fullmatch(r"[a-z]{2}", language_dir.name):
            problems.append(Problem(Location(language_dir), "a translations folder is named by a two-letter "
                                                            "language code, like 'en'"))
            continue
        found[language_dir.name] = _load_language(language_dir, passages, originals, problems)
    return found


def _load_language(folder: Path, passages: Sequence[Passage], originals: dict[str, list[Original]],
                   problems: list[Problem]) -> Translation:
    language = folder.name
    by_id = {p.id: p for p in passages}
    translated: dict[str, Translated] = {}
    for path in sorted((folder / "passages").glob("*.yaml")):
        for item in items(read_yaml(path, problems), path, "translation", problems):
            f = PASSAGE.read(item, path, problems)
            entry = Translated(f["id"], f["text"], f["status"], f["source"], f["reviewed_by"], f["reviewed_on"],
                               f.at())
            if entry.id not in by_id:
                f.error("id", f"translation of unknown passage '{entry.id}'{suggest(entry.id, by_id)}")
                continue
            if entry.id in translated:
                f.error("id", f"passage '{entry.id}' is translated twice (also at {translated[entry.id].location})")
                continue
            if entry.text.strip() == TODO:
                f.error("text", f"passage '{entry.id}' is not translated yet (TODO)", severity="warning")
                continue
            if entry.status == REVIEWED and not (entry.reviewed_by and entry.reviewed_on):
                f.error("status", f"translation of '{entry.id}' is reviewed: say by whom and when "
                                  "(reviewed_by, reviewed_on)")
            translated[entry.id] = entry
    glossary = _load_glossary(folder / "glossary.yaml", problems)
    records: dict[str, Fields] = {}
    for name, wanted in originals.items():
        records.update(_load_records(folder / f"{name}.yaml", name, wanted, problems))
    translation = Translation(language, translated, glossary, records)
    _check(translation, passages, problems)
    _check_records(translation, originals, problems)
    return translation


def _entries(data: Any, path: Path, name: str, problems: list[Problem]) -> Iterator[tuple[str, LocatedDict]]:
    """(key, entry) of a translation file, in the layout of the Dutch file it
    translates: a list of entries with ids, or mappings by kind and id (and
    for key messages a list per subject, by position)."""
    if data is None:
        return
    if isinstance(data, list):
        for item in items(data, path, "translation", problems):
            ident = item.get("id")
            if not isinstance(ident, str):
                problems.append(Problem(Location(path, item.line), "a translation here needs its record's 'id'"))
                continue
            yield f"{name}/{ident}", item
        return
    if not isinstance(data, LocatedDict):
        problems.append(Problem(Location(path), "expected a list of entries with ids, or a mapping by kind"))
        return
    for kind, group in data.items():
        if not isinstance(group, LocatedDict):
            problems.append(Problem(Location(path, data.line_of(kind)), f"'{kind}' must be a mapping by id"))
            continue
        for ident, entry in group.items():
            if isinstance(entry, list):  # key messages: by position
                for n, item in enumerate(items(entry, path, "translation", problems)):
                    yield f"{name}/{kind}/{ident}/{n}", item
            elif isinstance(entry, LocatedDict):
                yield f"{name}/{kind}/{ident}", entry
            else:
                problems.append(Problem(Location(path, group.line_of(ident)), f"'{ident}' must be a mapping"))


def _load_records(path: Path, name: str, originals: list[Original],
                  problems: list[Problem]) -> dict[str, Fields]:
    if not path.is_file():
        return {}
    by_key = {o.key: o for o in originals}
    found: dict[str, Fields] = {}
    for key, item in _entries(read_yaml(path, problems), path, name, problems):
        original = by_key.get(key)
        if original is None:
            shown = key.split("/", 1)[1]
            problems.append(Problem(Location(path, item.line), f"translation of '{shown}', which {name}.yaml does "
                                                               f"not have{suggest(shown, [k.split('/', 1)[1] for k in by_key])}"))
            continue
        schema = Record("translation", {
            "id": Text(required=False), "source": SourceHash(), "status": Choice((DRAFT, REVIEWED), noun="status"),
            "reviewed_by": Text(required=False), "reviewed_on": Date(required=False),
            **{w: (Raw() if w == "bars" else Text(empty_ok=not original.fields[i] if i < len(original.fields) else False))
               for i, w in enumerate(original.wanted)}})
        f = schema.read(item, path, problems)
        if key in found:
            f.error(None, f"'{key.split('/', 1)[1]}' is translated twice (also at {found[key].location})")
            continue
        if f["status"] == REVIEWED and not (f["reviewed_by"] and f["reviewed_on"]):
            f.error("status", "a reviewed translation says by whom and when (reviewed_by, reviewed_on)")
        values = {w: f[w] for w in original.wanted}
        if "bars" in values:
            bars = values["bars"]
            if not (isinstance(bars, list) and len(bars) == len(original.fields) - 1
                    and all(isinstance(b, str) and b.strip() for b in bars)):
                f.error("bars", f"'bars' must list the {len(original.fields) - 1} bars' labels, in the chart's order")
                continue
            values["bars"] = tuple(b.strip() for b in bars)
        if any(isinstance(v, str) and v.strip() == TODO for v in values.values()):
            f.error(None, f"'{key.split('/', 1)[1]}' is not translated yet (TODO)", severity="warning")
            continue
        found[key] = Fields(key, values, f["status"], f["source"], f.at())
    return found


def _check_records(translation: Translation, originals: dict[str, list[Original]],
                   problems: list[Problem]) -> None:
    name = translation.name
    for file_name, listed in originals.items():
        for original in listed:
            entry = translation.records.get(original.key)
            shown = original.key.split("/", 1)[1]
            if entry is None:
                problems.append(Problem(original.location, f"'{shown}' has no {name} translation "
                                                           f"(content/translations/{translation.language}/"
                                                           f"{file_name}.yaml)", severity="warning"))
                continue
            if entry.source != fields_hash(*original.fields):
                problems.append(Problem(entry.location, f"the {name} translation of '{shown}' is stale: the Dutch "
                                                        "changed since it was translated; translate the change and "
                                                        f"set 'source' to \"{fields_hash(*original.fields)}\"",
                                        severity="warning"))
                continue
            english = " ".join(v for v in entry.values.values() if isinstance(v, str))
            for term in translation.glossary:
                if original.text and term.in_dutch(original.text) and not term.in_translation(english):
                    wanted = " or ".join(f"'{e}'" for e in term.en)
                    problems.append(Problem(entry.location, f"the {name} translation of '{shown}' does not use "
                                                            f"the glossary's {wanted} for '{term.nl}' "
                                                            f"({term.location})", severity="warning"))


def _load_glossary(path: Path, problems: list[Problem]) -> tuple[Term, ...]:
    if not path.is_file():
        return ()
    terms = []
    for item in items(read_yaml(path, problems), path, "glossary term", problems):
        f = TERM.read(item, path, problems)
        english = f["en"]
        if isinstance(english, str):
            english = [english]
        if not (isinstance(english, list) and english and all(isinstance(e, str) and e.strip() for e in english)):
            f.error("en", "'en' must be the English term, or a list of the forms accepted")
            continue
        terms.append(Term(f["nl"], tuple(e.strip() for e in english), f.at()))
    return tuple(terms)


def _check(translation: Translation, passages: Sequence[Passage], problems: list[Problem]) -> None:
    name = translation.name
    for passage in passages:
        entry = translation.passages.get(passage.id)
        if entry is None:
            problems.append(Problem(passage.location, f"passage '{passage.id}' has no {name} translation "
                                                      f"(content/translations/{translation.language}/passages/)",
                                    severity="warning"))
            continue
        if entry.source != text_hash(passage.text):
            problems.append(Problem(entry.location, f"the {name} translation of '{passage.id}' is stale: the Dutch "
                                                    f"text changed since it was translated; translate the change "
                                                    f"and set 'source' to \"{text_hash(passage.text)}\"",
                                    severity="warning"))
            continue
        dutch, english = len(split_sentences(passage.text)), len(split_sentences(entry.text))
        if dutch != english:
            # An excerpt prints chosen sentences of a passage, and the same sentences of its translation.
            problems.append(Problem(entry.location, f"the {name} translation of '{passage.id}' has {english} "
                                                    f"sentence(s) where the Dutch has {dutch}: translate sentence by "
                                                    "sentence, so that an excerpt's translation is the same "
                                                    "sentences", severity="warning"))
        for term in translation.glossary:
            if term.in_dutch(passage.text) and not term.in_translation(entry.text):
                wanted = " or ".join(f"'{e}'" for e in term.en)
                problems.append(Problem(entry.location, f"the {name} translation of '{passage.id}' does not use "
                                                        f"the glossary's {wanted} for '{term.nl}' "
                                                        f"({term.location})", severity="warning"))
