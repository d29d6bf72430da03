"""The ministry's own notes beside the strategy: loaded from folders kept
outside content/ (`--notes DIR`), each at a classification level, and
admitted into a build only up to its clearance.

A notes folder holds `_folder.yaml` (`max_classification`: the highest
level the folder may hold; `name`, optional) and any number of `*.yaml`
files, each a list of notes:

    - id: sahel-2026-11
      subjects: [sahel, terrorism]      # region, theme or ministry ids ("region:sahel" when two kinds share one)
      passages: [beleid-sahel-01]       # and/or passage ids
      classification: dv                # a level of content/classification.yaml
      date: 2026-11-20
      unit: DAF/SAH                     # who wrote it
      valid_until: 2027-06-30           # optional: left out of builds after this day
      text: |
        Paragraphs, lists (- item) and links [text](https://…).

**No oracle.** A note above the build's clearance is dropped as soon as
its level is read: nothing else of it is checked, counted, logged or
kept, so adding one changes nothing a lower build writes or says. A
problem that makes a file unreadable (YAML syntax) is reported whatever
it holds, since which notes it holds cannot be known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .classification import Level, Scale
from .content import Content
from .errors import ContentError, Location, Problem, UsageError, suggest
from .limits import MAX_PASSAGE_CHARS
from .schema import Date, Ident, Record, Strings, Text, items
from .taxonomy import SELECTOR_KINDS
from .yamlio import YAML_SYNTAX, LocatedDict, read_yaml

FOLDER_FILE = "_folder.yaml"
FOLDER = Record(FOLDER_FILE, {"max_classification": Text(limit=60), "name": Text(required=False)})
NOTE = Record("note", {
    "id": Ident(), "classification": Text(limit=60), "subjects": Strings(required=False),
    "passages": Strings(required=False), "date": Date(), "unit": Text(limit=120),
    "text": Text(limit=MAX_PASSAGE_CHARS), "valid_until": Date(required=False),
}, named_by="id")
# A link the text may hold: [words](https://… | http://… | mailto:…).
LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>\"'\\`]+)\)")
BULLET = re.compile(r"^\s*[-*]\s+")


@dataclass(frozen=True, slots=True)
class NoteText:
    """One paragraph or list item: its words, and where links stand in them
    ((start, end, address): the link's words and the address printed after
    them, so that paper shows where it leads)."""

    text: str
    links: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class NoteBlock:
    """A paragraph, or a list of items, of a note's text."""

    kind: str  # "paragraph" or "list"
    texts: tuple[NoteText, ...]


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    level: Level
    subjects: tuple[tuple[str, str], ...]  # (kind, id)
    passages: tuple[str, ...]
    date: dt.date
    unit: str
    blocks: tuple[NoteBlock, ...]
    valid_until: dt.date | None
    location: Location

    def about(self, kind: str) -> tuple[str, ...]:
        return tuple(i for k, i in self.subjects if k == kind)


def parse_text(text: str) -> tuple[NoteBlock, ...]:
    """The small Markdown subset a note is written in: paragraphs (blank
    lines between them), lists (lines that start with '- ' or '* ') and
    links, which become their words with the address after them in
    brackets. Everything else is text, shown as written."""
    blocks: list[NoteBlock] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(BULLET.match(line) for line in lines):
            blocks.append(NoteBlock("list", tuple(_inline(BULLET.sub("", line)) for line in lines)))
        else:
            blocks.append(NoteBlock("paragraph", (_inline(" ".join(lines)),)))
    return tuple(blocks)


def _inline(text: str) -> NoteText:
    """`[words](address)` as "words (address)", linked."""
    out, links, at = [], [], 0
    length = 0
    for match in LINK.finditer(text):
        before = text[at:match.start()]
        shown = f"{match.group(1)} ({match.group(2)})"
        out += [before, shown]
        length += len(before)
        links.append((length, length + len(shown), match.group(2)))
        length += len(shown)
        at = match.end()
    out.append(text[at:])
    return NoteText("".join(out), tuple(links))


def load_notes(folders: list[Path], content: Content, clearance: Level, today: dt.date,
               expired: list[Note] | None = None) -> tuple[Note, ...]:
    """The notes of `folders` a build at `clearance` admits, checked.
    Raises ContentError with every problem of the admitted notes; notes
    past their valid_until are left out and appended to `expired`."""
    problems: list[Problem] = []
    admitted: list[Note] = []
    first: dict[str, Location] = {}
    for folder in folders:
        for note in _folder(folder, content, clearance, problems):
            if note.id in first:
                problems.append(Problem(note.location, f"duplicate note id '{note.id}' (first at {first[note.id]})"))
                continue
            first[note.id] = note.location
            if not current(note, today):
                if expired is not None:
                    expired.append(note)
                continue
            admitted.append(note)
    if problems:
        raise ContentError(problems)
    return tuple(admitted)


def _folder(folder: Path, content: Content, clearance: Level, problems: list[Problem]) -> list[Note]:
    if not folder.is_dir():
        problems.append(Problem(Location(folder), "notes folder not found"))
        return []
    marker = folder / FOLDER_FILE
    if not marker.is_file():
        problems.append(Problem(Location(folder), f"not a notes folder: it has no {FOLDER_FILE} saying the highest "
                                                  "level it may hold (max_classification)"))
        return []
    data = read_yaml(marker, problems)
    if not isinstance(data, LocatedDict):
        return []
    f = FOLDER.read(data, marker, problems)
    ceiling = _level(content.scale, f["max_classification"], f.at("max_classification"), problems)
    if ceiling is None:
        return []
    notes: list[Note] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        before = len(problems)
        listed = read_yaml(path, problems)
        if len(problems) > before and any(p.message.startswith(YAML_SYNTAX) for p in problems[before:]):
            continue
        for item in items(listed, path, "note", problems):
            note = _note(item, path, content, ceiling, clearance, problems)
            if note is not None:
                notes.append(note)
    return notes


def _note(item: LocatedDict, path: Path, content: Content, ceiling: Level, clearance: Level,
          problems: list[Problem]) -> Note | None:
    """One note, or None. Its level is read first: above the clearance, the
    note is dropped before anything else of it is looked at."""
    raw_level = item.get("classification")
    if not isinstance(raw_level, str) or not raw_level.strip():
        problems.append(Problem(Location(path, item.line), "a note has no 'classification' (a level of "
                                                           "content/classification.yaml)"))
        return None
    level = _level(content.scale, raw_level, Location(path, item.line_of("classification")), problems)
    if level is None:
        return None
    if level > ceiling:  # about the folder, which this build may read: said whatever the clearance
        problems.append(Problem(Location(path, item.line_of("classification")),
                                f"a note marked {level.name} in a folder that may hold at most {ceiling.name} "
                                f"({FOLDER_FILE}): move it to a folder of its level"))
        return None
    if level > clearance:
        return None
    found: list[Problem] = []
    f = NOTE.read(item, path, found)
    subjects = tuple(s for s in (_subject(content, text, f.at("subjects"), found) for text in f["subjects"]) if s)
    for pid in f["passages"]:
        if pid not in content.by_id:
            f.error("passages", f"note '{f['id']}': unknown passage '{pid}'{suggest(pid, content.by_id)}")
    if not f["subjects"] and not f["passages"]:
        f.error(None, f"note '{f['id']}' is about nothing: give 'subjects' (region, theme or ministry ids) or "
                      "'passages'")
    bad = next((c for c in f["text"] + f["unit"] if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs")
                and c not in "\n\t"), None)
    if bad is not None:  # text from outside the project: nothing that is not text gets into a document
        f.error("text", f"note '{f['id']}' holds a control character (U+{ord(bad):04X}); notes are plain text")
    problems.extend(found)
    if found:
        return None
    valid_until = dt.date.fromisoformat(f["valid_until"]) if f["valid_until"] else None
    return Note(f["id"], level, subjects, f["passages"], dt.date.fromisoformat(f["date"]), f["unit"],
                parse_text(f["text"]), valid_until, f.at())


def _level(scale: Scale, text: object, where: Location, problems: list[Problem]) -> Level | None:
    try:
        return scale.level(str(text))
    except UsageError as exc:
        problems.append(Problem(where, str(exc)))
        return None


def _subject(content: Content, text: str, where: Location, problems: list[Problem]) -> tuple[str, str] | None:
    try:
        return subject_of(content, text)
    except UsageError as exc:
        problems.append(Problem(where, str(exc)))
        return None


def subject_of(content: Content, text: str) -> tuple[str, str]:
    """'sahel', 'region:sahel' or a Dutch alias -> ('region', 'sahel');
    UsageError for what names no subject, or two."""
    kind, _, key = text.rpartition(":")
    if kind and kind not in SELECTOR_KINDS:
        raise UsageError(f"unknown kind '{kind}' in subject '{text}' (one of: {', '.join(SELECTOR_KINDS)})")
    kinds = (kind,) if kind else SELECTOR_KINDS
    found = [(k, entry.id) for k in kinds if (entry := content.taxonomies[k].get(key)) is not None]
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(f"subject '{text}' names a {found[0][0]} and a {found[1][0]}: write "
                         f"'{found[0][0]}:{key}' or '{found[1][0]}:{key}'")
    known = [e.id for k in kinds for e in content.taxonomies[k].entries]
    raise UsageError(f"unknown subject '{text}'{suggest(key, known)} (region, theme or ministry ids: see "
                     "'briefing list')")


def notes_of(notes: tuple[Note, ...], selectors: tuple[tuple[str, str], ...], printed: set[str]) -> tuple[Note, ...]:
    """The notes a briefing takes: about its subjects as its passages are
    (one of the ids asked for of each kind asked for, kinds together), or
    about a passage it prints. Newest first."""
    wanted: dict[str, set[str]] = {}
    for kind, key in selectors:
        wanted.setdefault(kind, set()).add(key)
    taken = [n for n in notes
             if (n.subjects and all(set(n.about(kind)) & ids for kind, ids in wanted.items()))
             or set(n.passages) & printed]
    return tuple(sorted(taken, key=lambda n: (n.date, n.id), reverse=True))


def fingerprint(note: Note) -> str:
    """What identifies a note as written: a cached file that held it is
    forgotten once no note with this fingerprint is admitted any more
    (removed, changed, downgraded or expired)."""
    facts = [note.id, note.level.id, note.subjects, note.passages, note.date.isoformat(), note.unit,
             [(b.kind, [(t.text, t.links) for t in b.texts]) for b in note.blocks],
             note.valid_until.isoformat() if note.valid_until else None]
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode()).hexdigest()


def current(note: Note, today: dt.date) -> bool:
    """Whether a note is still valid on `today` (through its valid_until)."""
    return note.valid_until is None or today <= note.valid_until


def check_clearance(scale: Scale, text: str | None) -> Level:
    """--clearance as a level (the lowest when not given)."""
    return scale.level(text) if text else scale.lowest


__all__ = ["Note", "NoteBlock", "NoteText", "check_clearance", "current", "fingerprint", "load_notes", "notes_of",
           "parse_text", "subject_of"]
