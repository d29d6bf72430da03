"""The label catalogue: every word a reader sees that is not strategy text.

One YAML file per language, `templates/labels/<language>.yaml`. compose.py
is its only reader; it puts the words into the model, and writers render
the model. A catalogue is checked whole when it is loaded — every key the
generator uses present, every placeholder known — so a missing or
misspelled key is one error that names the file and key, not a crash in
the middle of a build. Adding English labels is adding `en.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import Location, Problem, TemplateError
from .formats import REGISTRY
from .schema import Field, Keys, ListsOf, Strings, Template, read_dotted
from .yamlio import LocatedDict, read_yaml

LABELS_DIR = "labels"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Every text key the generator asks for, with the placeholders it fills in.
# A catalogue must have each key; its value may use only these names.
TEXTS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "language": "", "language_tag": "", "and": "", "or": "", "in": "",
    "subjects.ministry_field": "label", "subjects.ministry_in_title": "label",
    "cover.kicker": "document", "cover.title": "subjects", "cover.subtitle_union": "subject which",
    "cover.subtitle_intersection": "subject which", "cover.which.two": "", "cover.which.many": "",
    "cover.which.three": "", "cover.selection": "", "cover.text": "", "cover.date": "", "cover.marking": "",
    "cover.source": "citation", "contents": "", "footer": "page pages", "disclaimer": "",
    "metadata.subject": "document kamerstuk subjects", "metadata.keyword": "", "metadata.organisation": "",
    "citation": "pages", "citation_reworded": "pages reworded", "box": "", "excerpt.left_out": "",
    "key_messages.title": "", "key_messages.intro": "", "key_messages.missing": "", "key_messages.none_here": "",
    "key_messages.subject": "kind subject",
    "in_brief.title": "", "in_brief.frame": "n_interests n_accents interests accents", "in_brief.here": "items",
    "in_brief.none": "", "in_brief.item": "n phrase",
    "strategy_text.title": "", "strategy_text.intro": "n count subject kamerstuk",
    "strategy_text.context_note": "", "strategy_text.heading_separator": "",
    "also_named.title": "", "also_named.intro": "n subject named",
    "commitments.title": "", "commitments.intro": "", "commitments.caption": "", "commitments.empty": "",
    "figures.title": "", "figures.caption": "", "tables.now_note": "",
    "pictures.locator.caption": "region countries credit", "pictures.locator.alt": "view region countries",
    "pictures.locator.many": "n", "pictures.locator.many_named": "n names", "pictures.locator.north_of": "latitude",
    "pictures.where.title": "", "pictures.where.intro": "", "pictures.where.legend": "",
    "pictures.where.caption": "credit", "pictures.where.alt": "view places", "pictures.where.place": "n place",
    "pictures.credit": "", "pictures.chart.caption": "title", "pictures.chart.alt": "title bars",
    "pictures.chart.bar": "label value",
    "related.title": "", "related.intro": "", "related.item": "n label kind",
    "colophon.title": "", "colophon.source_lead": "", "colophon.source": "citation date sender",
    "colophon.selection_lead": "", "colophon.selection": "subjects n", "colophon.excerpted": "k",
    "colophon.method": "", "colophon.numbering_lead": "", "colophon.numbering": "chapters number",
    "colophon.version_lead": "", "colophon.version": "generator date",
    "colophon.maker_lead": "", "colophon.maker": "organisation",
    "index.title": "document", "index.summary": "n citation", "index.caption": "",
    "index.filter": "", "index.kind": "", "index.all_kinds": "", "index.shown": "n total",
    "index.footer": "generator content_version date", "index.feed": "",
    "signature.reason": "", "signature.location": "",
    "errors.title.400": "", "errors.title.401": "", "errors.title.403": "", "errors.title.404": "",
    "errors.title.405": "", "errors.title.429": "", "errors.title.500": "", "errors.title.503": "",
    "errors.not_found": "", "errors.unknown_format": "formats", "errors.method": "", "errors.marking": "levels",
    "errors.marking_refused": "level", "errors.busy": "seconds", "errors.unavailable": "seconds",
    "errors.internal": "", "errors.suggestion": "label", "errors.login_required": "level",
    "errors.not_cleared": "level clearance", "login.refused": "", "login.limited": "minutes",
    "errors.query.empty": "", "errors.query.long": "limit", "errors.query.control": "",
    "errors.query.quote": "", "errors.query.exclusions": "", "errors.query.nothing": "query",
    "errors.query.nothing_together": "",
    "feed.first": "n", "feed.added": "n pages", "feed.removed": "n pages", "feed.altered": "n pages",
    "feed.changed": "changes", "feed.separator": "", "feed.other": "",
    "feed.sentence_changed": "where before after", "feed.sentence_added": "where before after",
    "feed.sentence_removed": "where before after",
    "notes.title": "", "notes.intro": "n", "notes.label": "unit date level", "notes.item": "text",
    "notes.about": "pages",
    "cover.title_query": "query", "cover.title_query_within": "subjects", "cover.subtitle_query": "subject",
    "query.quoted": "query", "query.within": "subject", "query.selection": "query",
    "query.selection_first": "query", "query.no_key_messages": "", "query.method": "",
    "translation.heading": "", "translation.draft": "", "translation.missing": "", "cover.language": "",
    "cover.languages": "", "colophon.translation_lead": "", "colophon.translation": "official year",
    "colophon.chapter": "title",
    "errors.unknown_subject": "kind name", "errors.nothing_together_subjects": "", "errors.language": "languages",
    "page.language_name": "", "page.languages": "", "page.title": "", "page.intro": "document kamerstuk",
    "page.search_label": "", "page.search_button": "", "page.search_help": "",
    "page.found": "sentences passages query", "page.first": "n", "page.make_briefing": "",
    "page.original": "", "page.subject_search": "", "page.entry_aliases": "names", "page.formats": "",
    "page.marking": "", "page.marking_or_higher": "", "page.show": "", "page.login": "",
    "page.classification_is": "", "page.stable_link": "", "page.failed": "", "page.nothing_found": "",
    "page.type_a_word": "", "page.did_you_mean": "", "page.footer": "", "page.login_for_notes": "",
    "page.anonymous": "", "page.logged_in": "", "page.clearance": "", "page.logout": "",
    # with `one` and `other` forms
    "page.sentences": "n", "page.passages": "n", "page.entry_passages": "n", "page.entry_notes": "n",
    "page.result_notes": "n",
}.items()} | {f"{fmt.label}.{key}": frozenset() for fmt in REGISTRY.values() for key in ("name", "action")}
# Lists, with the number of items the generator needs.
LISTS: dict[str, int] = {
    "numbers": 1, "commitments.columns": 5, "figures.columns": 3, "index.columns": 7,
    "pictures.where.classes": 4,
}
# Mappings from kind to word, with the kinds they must cover.
KIND_MAPS: dict[str, tuple[str, ...]] = {
    "kinds": ("region", "theme", "ministry", "interest", "accent", "combination", "query"),
    "kinds_plural": ("region", "theme", "ministry", "combination", "query"),
    "kinds_in_text": ("region", "theme", "ministry", "query"),
}


def join_names(names: Sequence[str], last: str) -> str:
    """'a', 'a of b', 'a, b of c' (`last` is the joining word itself, " of ")."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + last + names[-1]


@dataclass(frozen=True, slots=True)
class Labels:
    """A loaded, checked catalogue. `text(key, **values)` fills a text in;
    `count(key, n, **values)` picks its `one` or `other` form."""

    path: Path
    data: Mapping[str, Any]

    def value(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            node = node[part]
        return node

    def text(self, key: str, **values: object) -> str:
        template = self.value(key)
        return str(template).format(**values) if values else str(template)

    def count(self, key: str, n: int, **values: object) -> str:
        forms = self.value(key)
        form = forms["one"] if n == 1 and isinstance(forms, Mapping) else \
            forms["other"] if isinstance(forms, Mapping) else forms
        return str(form).format(n=n, **values)

    def join(self, names: Sequence[str], last: str = "or") -> str:
        """'a', 'a of b', 'a, b of c': names joined, the last by the word `last`."""
        return join_names(names, self.text(last))

    def list(self, key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in self.value(key))

    def kind(self, kind: str, form: str = "kinds") -> str:
        return str(self.data[form][kind])

    def number(self, n: int) -> str:
        """A small count as a word ('drie'), larger ones as digits."""
        words = self.list("numbers")
        return words[n] if 0 <= n < len(words) else str(n)

    def foreign_terms(self) -> dict[str, tuple[str, ...]]:
        terms = self.data.get("foreign_terms") or {}
        return {str(lang): tuple(str(t) for t in items) for lang, items in terms.items()}


def schema() -> dict[str, Field[Any]]:
    """What a catalogue must hold, by dotted key (see schema.py): the
    texts with the placeholders each may use, the lists with how many
    items, the mappings with the kinds they must cover."""
    return {
        **{key: Template(allowed) for key, allowed in TEXTS.items()},
        **{key: Strings(least=n) for key, n in LISTS.items()},
        **{key: Keys(kinds) for key, kinds in KIND_MAPS.items()},
        "foreign_terms": ListsOf(meaning="'{key}' must give lists of terms per language tag", required=False),
    }


def check(path: Path, data: Any) -> list[Problem]:
    """Every problem of one catalogue, each with its line."""
    if not isinstance(data, LocatedDict):
        return [Problem(Location(path), "a label catalogue is a mapping of keys to texts")]
    problems: list[Problem] = []
    for key, field in schema().items():
        read_dotted(data, key, field, path, problems)
    footer = data.get("footer")
    if isinstance(footer, str) and not re.fullmatch(r"[^{}]*\{page\}[^{}]*\{pages\}[^{}]*", footer):
        problems.append(Problem(Location(path, data.line_of("footer")),
                                "'footer' needs {page} and then {pages}, once each"))
    return problems


@cache
def load_labels(language: str, templates: Path = DEFAULT_TEMPLATES) -> Labels:
    """The checked catalogue for `language` from `templates/labels/`."""
    path = templates / LABELS_DIR / f"{language}.yaml"
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", language):
        raise TemplateError(f"{path}: not a language tag: '{language}'")
    if not path.is_file():
        available = sorted(p.stem for p in (templates / LABELS_DIR).glob("*.yaml"))
        raise TemplateError(f"{path}: no label catalogue for language '{language}' "
                            f"(available: {', '.join(available) or 'none'})")
    problems: list[Problem] = []
    data = read_yaml(path, problems)
    if data is not None:
        problems += check(path, data)
    if problems:
        raise TemplateError("; ".join(str(p) for p in problems))
    return Labels(path, data)
