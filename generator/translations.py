"""Translations of the strategy, as content: content/translations/<language>/.

The Dutch text is the original and stays authoritative; an edition in
another language prints each passage in Dutch with an unofficial
translation beside it. A translation is content like any other: reviewed,
versioned, checked.

    content/translations/en/
      glossary.yaml            the strategy's terms, each always translated the same way
      passages/*.yaml          one entry per passage of content/passages/, by id:

    - id: omgeving-03
      source: "4f2a9c1b7e4d"   # the first 12 hex digits of the SHA-256 of the Dutch text translated
      status: draft            # draft, or reviewed (then reviewed_by and reviewed_on)
      text: >-
        The English text.

What `check` finds (README, "Editions and languages"):
- errors: an entry for a passage that does not exist, an id twice, a
  status other than draft or reviewed, reviewed without who and when, a
  source that is not 12 hex digits;
- warnings (errors under `check --strict`): a passage without a
  translation; a stale one (the Dutch changed since: its hash is no longer
  `source`); a translation that does not use the glossary's term where the
  Dutch uses the glossary's word;
- drafts: listed by `check --strict`, which does not fail on them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Location, Problem, suggest
from .schema import Choice, Date, Field, Invalid, Raw, Record, Text, items
from .yamlio import read_yaml

if TYPE_CHECKING:
    from .content import Passage

LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French"}
DRAFT, REVIEWED = "draft", "reviewed"
HASH_RE = re.compile(r"^[0-9a-f]{12}$")


def text_hash(text: str) -> str:
    """What a translation's `source` records of the Dutch text it translates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


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
class Translation:
    """All of one language's translations."""

    language: str
    passages: dict[str, Translated]
    glossary: tuple[Term, ...]

    @property
    def name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    def drafts(self) -> list[str]:
        return [t.id for t in self.passages.values() if t.draft]

    def current(self, passage: Passage) -> Translated | None:
        """The passage's translation if it translates the passage's text as it is now."""
        found = self.passages.get(passage.id)
        return found if found is not None and found.source == text_hash(passage.text) else None


def load_translations(root: Path, passages: list[Passage], problems: list[Problem]) -> dict[str, Translation]:
    """Every language under root/translations/, checked against `passages`."""
    folder = root / "translations"
    if not folder.is_dir():
        return {}
    found = {}
    for language_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not re.fullmatch(r"[a-z]{2}", language_dir.name):
            problems.append(Problem(Location(language_dir), "a translations folder is named by a two-letter "
                                                            "language code, like 'en'"))
            continue
        found[language_dir.name] = _load_language(language_dir, passages, problems)
    return found


def _load_language(folder: Path, passages: list[Passage], problems: list[Problem]) -> Translation:
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
            if entry.status == REVIEWED and not (entry.reviewed_by and entry.reviewed_on):
                f.error("status", f"translation of '{entry.id}' is reviewed: say by whom and when "
                                  "(reviewed_by, reviewed_on)")
            translated[entry.id] = entry
    glossary = _load_glossary(folder / "glossary.yaml", problems)
    translation = Translation(language, translated, glossary)
    _check(translation, passages, problems)
    return translation


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


def _check(translation: Translation, passages: list[Passage], problems: list[Problem]) -> None:
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
        for term in translation.glossary:
            if term.in_dutch(passage.text) and not term.in_translation(entry.text):
                wanted = " or ".join(f"'{e}'" for e in term.en)
                problems.append(Problem(entry.location, f"the {name} translation of '{passage.id}' does not use "
                                                        f"the glossary's {wanted} for '{term.nl}' "
                                                        f"({term.location})", severity="warning"))
