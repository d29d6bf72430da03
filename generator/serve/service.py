"""The briefing service: what the HTTP layer asks of the library.

Framework-free, so it can be tested and reused without Starlette: it parses
briefing names, plans a job exactly as `briefing build` does (same date
rule, same input hash), and returns a cached file or has the pool render
one. Content is loaded and validated once, when the service starts.

The ministry's notes (admitted at start up to the server's clearance) are
planned per request up to the asker's clearance: a briefing planned for a
lower clearance never holds a higher note, so its input hash, its ETag and
its cache partition are those of a file without it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build import Job, Options, plan
from ..catalogue import catalogue
from ..classification import Level
from ..compose import Edition, validate_marking
from ..content import Content
from ..dates import build_date
from ..errors import BriefingError, OutputError, UsageError
from ..formats import BESIDE, REGISTRY, Format, unknown
from ..labels import LABELS_DIR
from ..notes import Note, current, fingerprint
from ..query import QUERY, QueryError, parse
from ..render import Rendering, Task, templates_digest
from ..search import matcher, no_match, translation_matcher
from ..select import Selector, parse_selectors
from ..sentences import split as split_sentences
from ..taxonomy import SELECTOR_KINDS
from .cache import Cache, Hit
from .pool import RenderPool

LOG = logging.getLogger("briefing.serve")

PLANNED_KEPT = 1024  # briefing models kept (a few kB each)
SEARCHES_KEPT = 1024  # search answers kept
SEARCH_RESULTS = 100  # sentences an answer lists at most
FAILURES_KEPT = 1024  # inputs whose render failed for a reason of their own


class RenderFailed(BriefingError):
    """This input cannot be rendered: rendering it again gives the same
    error, so it is answered at once, not retried on every request."""


class NotFound(BriefingError):
    """A briefing name that names nothing: unknown kind, id or format."""


class BadRequest(BriefingError):
    """A request the service cannot answer as asked (a bad marking)."""


class NotCleared(BriefingError):
    """A marking above what the asker is cleared for: the briefing at that
    level is not theirs to have."""

    def __init__(self, level: Level) -> None:
        super().__init__(f"this briefing is asked for at {level.name}, above your clearance")
        self.level = level


def name_of(selectors: tuple[Selector, ...]) -> str:
    """The URL name of a briefing: 'region-sahel+theme-terrorism'. Unlike a
    file name it is never shortened, so it can always be parsed back. A
    query travels as ?q= beside it: 'query' alone names a briefing on
    queries only."""
    return "+".join(f"{s.kind}-{s.id}" for s in selectors if s.kind != QUERY) or QUERY


def parse_name(content: Content, name: str, queries: Sequence[str] = ()) -> tuple[Selector, ...]:
    """'region-sahel+theme-terrorism' (and the ?q= queries beside it) ->
    selectors; aliases are accepted ('region-hoorn-van-afrika'), so the
    caller can redirect to the canonical name."""
    pairs: list[tuple[str, str]] = []
    for part in name.split("+") if name != QUERY else ():
        kind, _, key = part.partition("-")
        if kind not in SELECTOR_KINDS or not key:
            raise NotFound(f"'{part}' does not name a briefing subject; write it as region-<id>, theme-<id> or "
                           "ministry-<id>, e.g. region-sahel, or query?q=<words>")
        pairs.append((kind, key))
    if name == QUERY and not queries:
        raise BadRequest("a briefing on a query needs the query: /briefings/query.pdf?q=Iran")
    try:
        return parse_selectors(content, [*pairs, *((QUERY, q) for q in queries)])
    except QueryError as exc:  # the page says it in Dutch, from exc.reason
        raise BadRequest(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class Planned:
    job: Job
    name: str  # canonical URL name
    held: Level  # the highest level of the notes it holds (the lowest when none)
    holds: tuple[str, ...] = ()  # their fingerprints

    def etag(self, fmt: str) -> str:
        return f'"{self.job.input_hash(fmt)}"'

    @property
    def language(self) -> str:
        """The edition's language when it is not the strategy's, else ""."""
        return self.job.edition.language


class BriefingService:
    def __init__(self, content: Content, templates: Path, cache: Cache, pool: RenderPool,
                 notes: tuple[Note, ...] = ()) -> None:
        self.content, self.templates, self.cache, self.pool = content, templates, cache, pool
        self.notes = notes
        # Templates do not change while serving: one digest per edition language.
        self.template_hash = templates_digest(templates, language=content.document.language)
        self._template_hashes = {"": self.template_hash}
        self._planned: OrderedDict[tuple[tuple[Selector, ...], str | None, dt.date, str, str], Planned] = \
            OrderedDict()
        self._failed: OrderedDict[str, str] = OrderedDict()  # input hash -> the renderer's error
        self._swept: dt.date | None = None
        self._searches: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

    def forget(self, today: dt.date | None = None) -> int:
        """Remove the cached files that hold a note no longer admitted as
        it was (removed, changed, downgraded, or expired by `today`)."""
        today = today or build_date()
        self._swept = today
        removed = self.cache.forget({fingerprint(n) for n in self.notes if current(n, today)})
        if removed:
            LOG.info("cache: %d file(s) holding notes no longer admitted removed", removed)
        return removed

    @property
    def languages(self) -> tuple[str, ...]:
        """The editions' languages: the strategy's, and each it is translated
        into that has a label catalogue."""
        own = self.content.document.language
        return (own, *sorted(lang for lang in self.content.translations if lang != own and
                             (self.templates / LABELS_DIR / f"{lang}.yaml").is_file()))

    def language(self, asked: str | None) -> str:
        """An edition language as a plan takes it ("" for the strategy's own);
        BadRequest for one there is no edition in."""
        asked = (asked or "").strip().lower()
        if not asked or asked == self.content.document.language:
            return ""
        if asked not in self.languages:
            raise BadRequest(f"there is no edition in '{asked[:20]}'; choose {' or '.join(self.languages)}")
        return asked

    def plan(self, selectors: tuple[Selector, ...], marking: str | None = None, today: dt.date | None = None,
             clearance: Level | None = None, ceiling: Level | None = None, language: str | None = "") -> Planned:
        """The job for a briefing, as a build would plan it, with the notes
        up to `clearance` (the lowest level when None). A `marking` above
        `ceiling` is refused (NotCleared). Remembered: content and
        templates do not change while serving, so a cached hit costs a
        dictionary lookup instead of composing the briefing again."""
        today = today or build_date()
        scale = self.content.scale
        clearance = clearance or scale.lowest
        if marking is not None:  # any spelling of a level: its name, so that one level is one cache entry
            try:
                level = scale.level(validate_marking(marking))
            except BriefingError as exc:  # the page says which of the scale's levels there are
                raise BadRequest(str(exc)) from exc
            if ceiling is not None and level > ceiling:
                raise NotCleared(level)
            marking = level.name
        if today != self._swept and self.notes:  # a new day: notes may have expired
            self.forget(today)
        language = self.language(language)
        key = (selectors, marking, today, clearance.id, language)
        planned = self._planned.get(key)
        if planned is not None:
            self._planned.move_to_end(key)
            return planned
        notes = tuple(n for n in self.notes if n.level <= clearance and current(n, today))
        try:
            edition = Edition(date=today, marking=marking, notes=notes, language=language)
        except BriefingError as exc:
            raise BadRequest(str(exc)) from None
        try:
            (job,) = plan(self.content, [selectors], self.templates, edition, self._date_of, Options(),
                          template_hash=self._template_hash(language), keep=False)
        except UsageError as exc:  # a marking below what the briefing holds
            raise BadRequest(str(exc)) from None
        held = max((n.level for n in job.selection.notes), default=scale.lowest)
        if held > clearance:  # cannot be: only notes up to the clearance were given
            raise AssertionError(f"{held.id} note planned at clearance {clearance.id}")
        planned = Planned(job, name_of(selectors), held, tuple(sorted({fingerprint(n) for n in job.selection.notes})))
        self._planned[key] = planned
        if len(self._planned) > PLANNED_KEPT:
            self._planned.popitem(last=False)
        return planned

    def _template_hash(self, language: str) -> str:
        found = self._template_hashes.get(language)
        if found is None:
            found = self._template_hashes[language] = templates_digest(self.templates, language=language)
        return found

    def _date_of(self, briefing_id: str, content_hash: str) -> dt.date | None:
        return self.cache.date_of(content_hash) or self.cache.remember_date(content_hash, build_date())

    def store_of(self, planned: Planned) -> Cache:
        """The cache partition of what the briefing holds."""
        return self.cache.partition(planned.held.id, self.content.scale.lowest.id)

    def cached(self, planned: Planned, fmt: str) -> Hit | None:
        return self.store_of(planned).get(planned.job.input_hash(fmt), _format(fmt).extension)

    async def file(self, planned: Planned, fmt: str, picture: int = 0) -> Hit:
        """The file, from the cache or rendered now (once, however many ask);
        with `picture`, that picture of those written beside it."""
        entry = _format(fmt)
        if picture and not (entry.pictures_beside and picture <= sum(1 for _ in planned.job.model.pictures())):
            raise NotFound(f"{planned.name}.{fmt} has no picture {picture} beside it")
        key = planned.job.input_hash(fmt)
        suffix = f".{picture}.svg" if picture else entry.extension
        store = self.store_of(planned)
        hit = store.get(key, suffix)
        if hit is not None:
            return hit
        failed = self._failed.get(key)
        if failed is not None:
            raise RenderFailed(f"{planned.name}.{fmt}: {failed} (remembered: not rendered again)")

        def parts(rendering: Rendering) -> dict[str, bytes]:
            """The rendered file and its pictures, by their cache suffix."""
            output = rendering.outputs[0]
            found = {entry.extension: output.data}
            for name, data in output.beside:
                match = BESIDE.match(name)
                if match:
                    found[f".{match['number']}.svg"] = data
            return found

        async def keep(rendering: Rendering) -> None:
            try:
                for part, data in parts(rendering).items():
                    store.put(key, part, data, planned.holds)
            except OutputError as exc:  # disk full or read-only: serve from memory
                LOG.warning("cache: %s", exc)

        rendering = await self.pool.render(key, Task(planned.job.briefing(), (fmt,), self.templates), keep)
        if rendering.error and rendering.transient:
            raise BriefingError(f"{planned.name}.{fmt}: {rendering.error}")
        if rendering.error:
            # The input hash covers everything the render depends on.
            self._failed[key] = rendering.error
            while len(self._failed) > FAILURES_KEPT:
                self._failed.popitem(last=False)
            raise RenderFailed(f"{planned.name}.{fmt}: {rendering.error}")
        hit = store.get(key, suffix)
        if hit is None:  # not stored, or evicted at once by a tiny cache: serve what we have
            data = parts(rendering).get(suffix)
            if data is None:  # the model promised a picture the writer did not write: a bug
                raise BriefingError(f"{planned.name}.{fmt}: picture {picture} was not written")
            hit = Hit(None, len(data), data)
        return hit

    def catalogue_names(self) -> list[tuple[Selector, ...]]:
        return catalogue(self.content)

    def search(self, text: str, language: str | None = "") -> dict[str, Any]:
        """The sentences of the strategy a query finds, in document order,
        with their page, chapter and the words found; the same matching as
        `briefing build --query`. In another `language` (?lang=en), also
        the sentences of the translations it finds, each with the Dutch
        sentence it translates, whose page it gives. Remembered per query
        (content does not change while serving). QueryError for a query
        that cannot be asked, NoMatch (with the nearest words) for one that
        finds nothing."""
        normal = parse(text).text
        language = self.language(language)
        found = self._searches.get((normal, language))
        if found is not None:
            self._searches.move_to_end((normal, language))
            return found
        m = matcher(normal, self.content)
        translated = translation_matcher(normal, self.content, language) if language else None
        hits = []
        for passage in self.content.passages:
            match = m.passage(passage)
            in_translation = translated.passage(passage) if translated is not None else None
            if match is None and in_translation is None:
                continue
            sentences = split_sentences(passage.text)
            english = translated.translation.current(passage) if translated is not None else None
            theirs = split_sentences(english.text) if english is not None else []
            dutch = match.sentences if match is not None else frozenset()
            chapter = self.content.chapter(passage.chapter)
            heading = chapter.heading
            if translated is not None:  # the chapter as the English page names it
                title = translated.translation.record(f"headings/chapters/{chapter.id}", chapter.title)
                heading = f"{chapter.number} {title.values['title']}".strip() if title is not None else heading
            for i in sorted(dutch | (in_translation.sentences if in_translation is not None else frozenset())):
                hit = {"passage": passage.id, "sentence": i + 1, "text": sentences[i],
                       "marks": m.spans(sentences[i]), "page": passage.sentence_pages((i,))[0],
                       "chapter": heading}
                if translated is not None and i < len(theirs) and (i not in dutch or not hit["marks"]):
                    # Found in the translation: shown in it, with the Dutch it translates.
                    hit.update(text=theirs[i], marks=translated.spans(theirs[i]), language=language,
                               original=sentences[i], original_language=self.content.document.language)
                hits.append(hit)
        if not hits:
            raise no_match([normal], self.content)
        found = {"query": normal, "count": len(hits), "passages": len({h["passage"] for h in hits}),
                 "results": hits[:SEARCH_RESULTS],
                 "words": m.found_words(), "subjects": [f"{e.kind}-{e.id}" for e in m.subjects()]}
        self._searches[(normal, language)] = found
        while len(self._searches) > SEARCHES_KEPT:
            self._searches.popitem(last=False)
        return found


def _format(fmt: str) -> Format:
    try:
        return REGISTRY[fmt]
    except KeyError:
        raise NotFound(unknown(fmt)) from None
