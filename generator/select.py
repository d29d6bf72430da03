"""Which passages, figures, commitments and key messages a briefing holds,
and why. Pure functions of validated content: no I/O.

Selectors of the same kind unite (two regions: passages about either);
selectors of different kinds intersect (region sahel + theme terrorism:
passages about both).

Each passage is held at one of two depths. A passage *about* the subject is
printed in full; one that only *mentions* it (content lists the subject
under the passage's `mentions`) contributes an excerpt: the sentences that
name the subject, with the sentences they lean on. Fragments bring the
context they need: a bullet its list's lead-in, a sentence opening with
"Dit" or "Daarbij" the sentence before it. A passage that repeats an
earlier one is printed once.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .content import Commitment, Content, Figure, KeyMessage, Passage
from .errors import SelectionError, UnknownSubject, UsageError
from .limits import MAX_SUBJECTS
from .notes import Note, notes_of
from .query import QUERY, check_text
from .query import slug as query_slug
from .search import Match, matcher, no_match, translation_matcher
from .sentences import refers_back
from .sentences import split as split_sentences
from .taxonomy import SELECTOR_KINDS, Entry, Words


@dataclass(frozen=True, slots=True, order=True)
class Selector:
    kind: str  # region, theme, ministry; or query, with the query's text as its id
    id: str

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


def parse_selectors(content: Content, pairs: Iterable[tuple[str, str]]) -> tuple[Selector, ...]:
    """Resolve (kind, id-or-alias) pairs from the user to canonical selectors,
    in a stable order. Unknown ids are usage errors with a did-you-mean."""
    pairs = list(pairs)
    if len(pairs) > MAX_SUBJECTS:
        raise UsageError(f"{len(pairs)} subjects asked for in one briefing; at most {MAX_SUBJECTS}")
    selectors: set[Selector] = set()
    for kind, key in pairs:
        if kind == QUERY:
            selectors.add(Selector(QUERY, check_text(key)))
            continue
        if kind not in SELECTOR_KINDS:
            raise UsageError(f"unknown selector kind '{kind}' (one of: {', '.join(SELECTOR_KINDS)})")
        taxonomy = content.taxonomies[kind]
        entry = taxonomy.get(key)
        if entry is None:
            raise UnknownSubject(kind, key, taxonomy.suggest(key))
        selectors.add(Selector(kind, entry.id))
    if not selectors:
        raise UsageError("choose at least one region, theme or ministry, or a query")

    order = {k: i for i, k in enumerate((*SELECTOR_KINDS, QUERY))}
    return tuple(sorted(selectors, key=lambda s: (order[s.kind], s.id)))


# File names stay well below the 255 bytes most file systems allow, with
# room for the suffix and the build's temporary-file prefix.
MAX_ID_LENGTH = 120


def briefing_id(selectors: Sequence[Selector]) -> str:
    """Stable file stem: 'region-sahel', 'region-sahel+theme-terrorism'. A
    long selection keeps a readable start and ends in a hash of the whole,
    so its name is short, stable and still unique."""
    queries = [s.id for s in selectors if s.kind == QUERY]
    full = "+".join([*(f"{s.kind}-{s.id}" for s in selectors if s.kind != QUERY),
                     *([f"{QUERY}-{query_slug(queries)}"] if queries else [])])
    if len(full) <= MAX_ID_LENGTH:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:12]
    return f"{full[:MAX_ID_LENGTH - 13].rstrip('+-')}-{digest}"


def passage_count(content: Content, selector: Selector) -> int:
    """Passages a briefing on `selector` alone holds: the number `list`,
    `explain` and the manifest all show."""
    try:
        return len(select(content, (selector,)).passages)
    except SelectionError:
        return 0


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a passage is in a briefing: the selector whose tag matched, or
    'context' when it came along with its box or as a footnote."""

    selector: Selector | None
    note: str


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Sentences of one passage, by index into `sentences.split(text)`."""

    passage: Passage
    sentences: tuple[int, ...]


PageRange = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Depth:
    """How much of a passage a briefing prints, why, and where its printed
    words stand: `pages` for the passage's own sentences, `also` for later
    passages that repeat those sentences word for word, `reworded` for
    later passages that say them in other words (cited as such)."""

    full: bool
    why: str
    excerpt: Excerpt | None = None  # when not full
    context: tuple[Excerpt, ...] = ()  # what the passage needs printed before it
    pages: PageRange = (0, 0)
    also: tuple[PageRange, ...] = ()
    reworded: tuple[PageRange, ...] = ()
    gap_before: bool = False  # a list item printed without the items before it in its list
    gap_after: bool = False  # ... or after it


def excerpt_pages(excerpt: Excerpt) -> PageRange:
    """The pages on which an excerpt's sentences stand."""
    return excerpt.passage.sentence_pages(excerpt.sentences)


@dataclass(frozen=True, slots=True)
class Selection:
    selectors: tuple[Selector, ...]
    subjects: tuple[Entry, ...]  # the taxonomy entries selected, same order
    passages: tuple[Passage, ...]  # document order; footnotes and merged repeats excluded
    footnotes: tuple[Passage, ...]  # footnotes referenced by full passages or their chapters
    reasons: dict[str, tuple[Reason, ...]]
    figures: tuple[Figure, ...]
    commitments: tuple[Commitment, ...]
    key_messages: tuple[KeyMessage, ...]
    depths: dict[str, Depth] = field(default_factory=dict)
    repeated: dict[str, str] = field(default_factory=dict)  # repeat id -> the passage printed for it
    notes: tuple[Note, ...] = ()  # the ministry's notes it takes, newest first (see notes.py)

    @property
    def id(self) -> str:
        return briefing_id(self.selectors)

    @property
    def queries(self) -> tuple[str, ...]:
        """The queries asked for (several unite), as given."""
        return tuple(s.id for s in self.selectors if s.kind == QUERY)

    @property
    def full(self) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if self.depths[p.id].full)

    @property
    def excerpted(self) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if not self.depths[p.id].full)

    def printed_pages(self) -> set[int]:
        """Every page a briefing may cite: the pages on which the words it
        prints stand, context and repeats included."""
        pages: set[int] = set()
        for p in self.footnotes:
            pages.update(range(p.page, p.page_end + 1))
        for depth in self.depths.values():
            for first, last in (depth.pages, *depth.also, *depth.reworded, *map(excerpt_pages, depth.context)):
                pages.update(range(first, last + 1))
        return pages


def _query_match(content: Content, passage: Passage, selectors: Sequence[Selector], language: str = "") -> Match | None:
    """What the queries among `selectors` find in `passage` (several unite),
    or None when they find nothing there. In an edition of another
    `language`, also what they find in the passage's translation into it:
    the same sentences, since a translation keeps them one for one."""
    queries = [s.id for s in selectors if s.kind == QUERY]
    found = [m for m in (matcher(q, content).passage(passage) for q in queries) if m]
    translated = [translation_matcher(q, content, language) for q in queries] if language else []
    found += [m for m in (t.passage(passage) for t in translated if t is not None) if m]
    if not found:
        return None
    return Match(frozenset().union(*(m.sentences for m in found)),
                 tuple(dict.fromkeys(k for m in found for k in m.subjects)), found[0].of)


def _matches(passage: Passage, selectors: Sequence[Selector], content: Content,
             language: str = "") -> tuple[Reason, ...] | None:
    reasons: list[Reason] = []
    if any(s.kind == QUERY for s in selectors):
        found = _query_match(content, passage, selectors, language)
        if found is None:
            return None
        queries = " or ".join(f"'{s.id}'" for s in selectors if s.kind == QUERY)
        named = "".join(f" (through {kind} '{i}')" for kind, i in found.subjects)
        reasons.append(Reason(Selector(QUERY, queries), f"query {queries} found in {len(found.sentences)} of "
                                                         f"{found.of} sentence(s){named}"))
    for kind in SELECTOR_KINDS:
        wanted = [s for s in selectors if s.kind == kind]
        if not wanted:
            continue
        hits = [s for s in wanted if s.id in passage.tags(kind)]
        if not hits:
            return None
        reasons.extend(Reason(s, f"tagged {s.kind} '{s.id}'") for s in hits)
    return tuple(reasons)


def _tagged(record: Passage | Figure | Commitment, selectors: Sequence[Selector]) -> bool:
    """Same-kind selectors unite, kinds intersect."""
    for kind in SELECTOR_KINDS:
        wanted = [s.id for s in selectors if s.kind == kind]
        if wanted and not set(wanted) & set(record.tags(kind)):
            return False
    return True


@dataclass(slots=True)
class _Decision:
    full: bool
    why: str
    naming: set[int] = field(default_factory=set)  # sentences naming a subject, for an excerpt
    about_one: bool = False  # about some chosen subject, though not about every kind


def _depth_of(passage: Passage, selectors: Sequence[Selector], content: Content, language: str = "") -> _Decision:
    """Full when, for every kind selected, the passage is about one of the
    chosen subjects. Otherwise an excerpt: the sentences naming any of the
    chosen subjects. In an intersection a passage about terrorism that
    names the Sahel once gives the sentences on terrorism and the Sahel,
    not its other sentences."""
    about: list[str] = []
    mentioned: list[str] = []
    query = _query_match(content, passage, selectors, language) if any(s.kind == QUERY for s in selectors) else None
    if query is not None:  # a query: in full where most sentences match; else those sentences
        (about if query.most else mentioned).append(f"query ({len(query.sentences)} of {query.of} sentences)")
    for kind in SELECTOR_KINDS:
        hits = [s for s in selectors if s.kind == kind and s.id in passage.tags(kind)]
        if not hits:
            continue
        if any(h.id not in passage.mentions for h in hits):
            about.append(", ".join(f"{kind} '{h.id}'" for h in hits if h.id not in passage.mentions))
        else:
            mentioned.append(", ".join(f"{kind} '{h.id}'" for h in hits))
    if not mentioned:
        return _Decision(True, "about " + "; ".join(about))
    wanted = {(s.kind, s.id) for s in selectors if s.kind != QUERY}
    naming: set[int] = set(query.sentences) if query is not None and not query.most else set()
    for i, sentence in enumerate(split_sentences(passage.text)):
        words = Words(sentence)
        if any(content.taxonomies[kind].names(entry_id, words) for kind, entry_id in wanted):
            naming.add(i)
    tagged = [m for m in mentioned if not m.startswith("query")]
    why = f"only mentions {'; '.join(mentioned)}" + (" (content: mentions)" if tagged else "")
    if about:
        why += f", though about {'; '.join(about)}"
    if not naming:  # validation makes this unreachable; print in full rather than nothing
        return _Decision(True, why + ", but no sentence names it")
    return _Decision(False, why, naming, bool(about))


def _whole(passage: Passage, sentences: set[int]) -> bool:
    return len(sentences) == len(split_sentences(passage.text))


def _with_antecedents(sentences: Sequence[str], chosen: set[int]) -> set[int]:
    """A sentence that leans on the one before it brings that one along,
    as far back as the leaning goes within the passage."""
    out = set(chosen)
    for i in sorted(chosen):
        while i > 0 and refers_back(sentences[i]) and i - 1 not in out:
            out.add(i - 1)
            i -= 1
    return out


def _previous(content: Content, passage: Passage) -> Passage | None:
    """The passage before this one in its chapter (footnotes skipped)."""
    index = content.position[passage.id]
    for other in reversed(content.passages[:index]):
        if other.kind == "footnote":
            continue
        return other if other.chapter == passage.chapter else None
    return None


def _lead_in(content: Content, passage: Passage) -> Passage | None:
    """For a bullet: the paragraph introducing its list."""
    if not passage.list_item:
        return None
    index = content.position[passage.id]
    for other in reversed(content.passages[:index]):
        if other.kind == "footnote" or (other.list_item and other.box == passage.box):
            continue
        return other if other.chapter == passage.chapter else None
    return None


def _tail(passage: Passage) -> Excerpt:
    """The last sentence of a passage, with any it leans on."""
    sentences = split_sentences(passage.text)
    return Excerpt(passage, tuple(sorted(_with_antecedents(sentences, {len(sentences) - 1}))))


# A passage before one that opens with "Dit" is brought whole when it is
# short: its first sentence may be what "Dit" means ("Afrika heeft twee
# gezichten" before "Dit manifesteert zich duidelijk in West-Afrika").
SHORT_ANTECEDENT = 4  # sentences


def _antecedent(content: Content, passage: Passage, full_ids: set[str]) -> list[Excerpt]:
    """What a passage opening with a reference to the one before needs
    printed before it, when that one is not printed in full."""
    previous = _previous(content, passage)
    if previous is None or previous.id in full_ids:
        return []
    if previous.list_item:
        # "Deze strategische belangen" after a list: the list's lead-in and
        # its (short) items.
        items = list_items(content, previous)
        lead = _lead_in(content, previous)
        out = [_tail(lead)] if lead is not None and lead.id not in full_ids else []
        if sum(len(p.text) for p in items) <= 300:
            out += [Excerpt(p, tuple(range(len(split_sentences(p.text))))) for p in items if p.id not in full_ids]
        return out
    sentences = split_sentences(previous.text)
    if len(sentences) <= SHORT_ANTECEDENT:
        return [Excerpt(previous, tuple(range(len(sentences))))]
    return [_tail(previous)]


@dataclass(slots=True)
class _State:
    """What selection knows so far, passed through the phases in PHASES."""

    content: Content
    selectors: tuple[Selector, ...]
    language: str = ""  # an edition of another language: queries also match its translations
    reasons: dict[str, tuple[Reason, ...]] = field(default_factory=dict)
    decisions: dict[str, _Decision] = field(default_factory=dict)
    repeated: dict[str, str] = field(default_factory=dict)  # repeat id -> the passage printed for it
    passages: tuple[Passage, ...] = ()  # printed, in document order
    full_ids: set[str] = field(default_factory=set)
    depths: dict[str, Depth] = field(default_factory=dict)
    footnotes: tuple[Passage, ...] = ()


def _tagged_passages(state: _State) -> None:
    """The passages tagged with the selection (same kind unites, kinds
    intersect); none is an error."""
    for passage in state.content.passages:
        if passage.kind != "footnote":
            found = _matches(passage, state.selectors, state.content, state.language)
            if found:
                state.reasons[passage.id] = found
    if not state.reasons:
        queries = [s.id for s in state.selectors if s.kind == QUERY]
        if queries and len(queries) == len(state.selectors):
            raise no_match(queries, state.content)
        described = " + ".join(f"{s.kind} '{s.id}'" for s in state.selectors)
        raise SelectionError(f"no passage of the strategy matches {described}; try fewer subjects")


def _decide_depths(state: _State) -> None:
    """In full or as an excerpt, per passage (see _depth_of)."""
    for pid in state.reasons:
        state.decisions[pid] = _depth_of(state.content.by_id[pid], state.selectors, state.content, state.language)


def _whole_boxes(state: _State) -> None:
    """A box is read as a whole: when one part is printed in full, its other
    parts come along, so that no box is printed half."""
    passages, reasons, decisions = state.content.passages, state.reasons, state.decisions
    boxes = {p.box for p in passages if p.id in reasons and p.box and decisions[p.id].full}
    for passage in passages:
        if passage.box in boxes and (passage.id not in reasons or not decisions[passage.id].full):
            reasons[passage.id] = (Reason(None, f"part of box '{passage.box}'"),)
            decisions[passage.id] = _Decision(True, f"part of box '{passage.box}', printed whole")


def _merge_repeats(state: _State) -> None:
    """A repeat is printed once, at its first place; the deeper of the two
    depths wins (citations say where it is repeated, and in which words)."""
    for passage in state.content.passages:
        original = passage.repeats
        if passage.id in state.reasons and original in state.reasons:
            state.repeated[passage.id] = original
            mine, theirs = state.decisions[passage.id], state.decisions[original]
            if mine.full and not theirs.full:
                state.decisions[original] = _Decision(True, mine.why + f" (as its repeat '{passage.id}')")
            elif not theirs.full:
                theirs.naming |= _matching(state.content.by_id[original], mine.naming, state.content.by_id[passage.id])


def _printed_depths(state: _State) -> None:
    """What each printed passage shows, with its context and its pages."""
    state.passages = tuple(p for p in state.content.passages if p.id in state.reasons and p.id not in state.repeated)
    state.full_ids = {p.id for p in state.passages if state.decisions[p.id].full}
    for passage in state.passages:
        state.depths[passage.id] = _depth(state, passage)


def _depth(state: _State, passage: Passage) -> Depth:
    content, decision = state.content, state.decisions[passage.id]
    is_full, why = decision.full, decision.why
    excerpt = None
    sentences = split_sentences(passage.text)
    if not is_full:
        keep = _with_antecedents(sentences, decision.naming)
        if passage.list_item and ":" in sentences[0][:80]:
            keep.add(0)  # a labelled bullet ("Preventie: ...") keeps its label
        if _whole(passage, keep) and decision.about_one:
            # Every sentence is needed: the passage is where the subjects
            # meet, and reads as a passage, not a fragment.
            is_full, why = True, why + "; every sentence is needed, so in full"
            state.full_ids.add(passage.id)
        else:
            excerpt = Excerpt(passage, tuple(sorted(keep)))
    context: list[Excerpt] = []
    starts = excerpt is None or excerpt.sentences[0] == 0
    if starts and not passage.list_item and refers_back(sentences[0], strong=True):
        context.extend(_antecedent(content, passage, state.full_ids))
    lead_in = _lead_in(content, passage)
    if lead_in is not None and lead_in.id not in state.full_ids:
        context.insert(0, _tail(lead_in))
    shown = excerpt.sentences if excerpt is not None else tuple(range(len(sentences)))
    repeats = [r for r, o in state.repeated.items() if o == passage.id]
    also, reworded = _repeat_pages(content, passage, shown, repeats)
    return Depth(is_full, why, excerpt, tuple(context), passage.sentence_pages(shown), also, reworded)


def _list_gaps(state: _State) -> None:
    """Where a list is printed in part, "[…]" marks the items left out: in
    the strategy's text beside the items printed in full; in "Ook genoemd"
    around the one item an excerpt prints."""
    for passage in state.passages:
        items = list_items(state.content, passage)
        if items:
            at = items.index(passage)
            full = state.depths[passage.id].full
            state.depths[passage.id] = dataclasses.replace(
                state.depths[passage.id],
                gap_before=at > 0 and (not full or items[at - 1].id not in state.full_ids),
                gap_after=at < len(items) - 1 and (not full or items[at + 1].id not in state.full_ids))
    for repeat, original in state.repeated.items():
        state.reasons[repeat] = (*state.reasons[repeat], Reason(None, f"repeats '{original}', printed there"))


def _footnotes(state: _State) -> None:
    """The footnotes of the passages printed in full, and of their chapters."""
    chapters = {p.chapter for p in state.passages if p.id in state.full_ids}
    refs = [ref for p in state.passages if p.id in state.full_ids for ref in p.footnotes]
    refs += [ref for c in state.content.chapters if c.id in chapters for ref in c.footnotes]
    for ref in refs:
        state.reasons.setdefault(ref, (Reason(None, "footnote to a selected passage or chapter"),))
    state.footnotes = tuple(p for p in state.content.passages if p.id in set(refs))


# Selection's phases, in order: each reads what the ones before decided.
PHASES: tuple[Callable[[_State], None], ...] = (
    _tagged_passages, _decide_depths, _whole_boxes, _merge_repeats, _printed_depths, _list_gaps, _footnotes)


def select(content: Content, selectors: Sequence[Selector], notes: tuple[Note, ...] = (),
           language: str = "") -> Selection:
    """The part of the strategy a briefing for `selectors` holds: the
    phases in PHASES, then what the passages it prints bring along, and
    the ministry's `notes` (already admitted at the build's clearance)
    about its subjects or about passages it prints. For an edition in
    another `language`, a query also finds words of the translations."""
    state = _State(content, tuple(selectors), "" if language == content.document.language else language)
    for phase in PHASES:
        phase(state)
    selection = _selection(state)
    if not notes:
        return selection
    printed = {p.id for p in selection.passages}
    taken = notes_of(notes, tuple((s.kind, s.id) for s in selection.selectors), printed)
    return dataclasses.replace(selection, notes=taken)


def _selection(state: _State) -> Selection:
    """The figures, commitments and key messages of what is printed."""
    content, selectors, repeated = state.content, state.selectors, state.repeated
    chosen = {p.id for p in state.passages} | set(repeated)
    # A lead-in printed as context counts: its page is in the briefing.
    printed = {p.id for p in state.passages} | {c.passage.id for d in state.depths.values() for c in d.context}
    keys = {(s.kind, s.id) for s in selectors if s.kind != QUERY}
    for query in (s for s in selectors if s.kind == QUERY):  # "Rusland": the key messages of Russia
        keys |= {(e.kind, e.id) for e in matcher(query.id, content).subjects()}

    def supported(message: KeyMessage) -> bool:
        # A key message stands in a briefing only on passages it prints:
        # in an intersection, a subject's message about other passages
        # would cite pages the reader cannot find.
        return all(repeated.get(ref, ref) in printed for ref in message.sources)

    return Selection(
        selectors=selectors,
        subjects=tuple(content.taxonomies[s.kind][s.id] for s in selectors if s.kind != QUERY),
        passages=state.passages,
        footnotes=state.footnotes,
        reasons=state.reasons,
        figures=tuple(f for f in content.figures if f.passage in chosen and _tagged(f, selectors)),
        commitments=tuple(c for c in content.commitments if c.passage in chosen and _tagged(c, selectors)),
        key_messages=tuple(m for m in content.key_messages if (m.kind, m.subject) in keys and supported(m)),
        depths=state.depths,
        repeated=repeated,
    )


def _repeat_pages(content: Content, passage: Passage, printed: Sequence[int],
                  repeats: Sequence[str]) -> tuple[tuple[PageRange, ...], tuple[PageRange, ...]]:
    """Where the printed sentences of `passage` are repeated: the pages of
    repeats that hold every one of them word for word, and the pages of
    repeats that say them in other words."""
    mine = split_sentences(passage.text)
    also: list[PageRange] = []
    reworded: list[PageRange] = []
    for rid in repeats:
        repeat = content.by_id[rid]
        theirs = split_sentences(repeat.text)
        if all(mine[i] in theirs for i in printed):
            also.append(repeat.sentence_pages(theirs.index(mine[i]) for i in printed))
        else:
            reworded.append((repeat.page, repeat.page_end))
    return tuple(sorted(set(also))), tuple(sorted(set(reworded) - set(also)))


def list_items(content: Content, passage: Passage) -> tuple[Passage, ...]:
    """The items of the list `passage` is an item of, in order (none for a
    passage that is not a list item)."""
    lead = _lead_in(content, passage)
    if lead is None:
        return ()
    index = content.position[lead.id]
    items: list[Passage] = []
    for other in content.passages[index + 1:]:
        if other.kind == "footnote":
            continue
        if not other.list_item or other.box != passage.box or other.chapter != passage.chapter:
            break
        items.append(other)
    return tuple(items)


def _matching(original: Passage, indices: set[int], repeat: Passage) -> set[int]:
    """Indices in `original` of the sentences of `repeat` at `indices`:
    the same sentence, or for a reworded repeat the closest one."""
    mine, theirs = split_sentences(repeat.text), split_sentences(original.text)
    return {theirs.index(mine[i]) if mine[i] in theirs else _closest_sentence(original.text, mine[i])
            for i in indices}


@lru_cache(maxsize=256)
def _closest_sentence(text: str, sentence: str) -> int:
    """The index of the sentence of `text` most like `sentence` (the same
    repeat is matched for every briefing that shows both passages)."""
    ratios = [difflib.SequenceMatcher(None, sentence, t).ratio() for t in split_sentences(text)]
    return ratios.index(max(ratios))
