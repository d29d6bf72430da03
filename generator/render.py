"""The render core: a task, its rendering, `render` and `warm`, and the
template files a render reads. A task carries everything it renders: the
composed briefing (whose maps name their outlines by digest, see assets.py)
and the templates folder, which every runner provides where its workers
run. The build, the server and the cluster's workers all import this
module; it imports none of them.
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import assets, memory, pictures
from .errors import BriefingError, OutputError
from .formats import DEFAULT_FORMATS
from .model import Briefing
from .outputs import describe_os_error
from .phases import phase
from .writers import DEFAULT_PDF_VARIANT, Learned, get_writer

# Templates of pages about briefings, not of briefings: changing them must
# not rebuild the catalogue.
NOT_BRIEFING_TEMPLATES = frozenset({"index.html.j2", "serve.html.j2"})


def template_files(templates: Path) -> dict[str, bytes]:
    """Every template file a briefing's rendering may read (fonts, CSS, the
    Word reference document included), by path relative to `templates`."""
    try:
        return {path.relative_to(templates).as_posix(): path.read_bytes()
                for path in sorted(p for p in templates.rglob("*")
                                   if p.is_file() and p.name not in NOT_BRIEFING_TEMPLATES)}
    except OSError as exc:
        raise describe_os_error(templates, exc, "read templates") from None


def templates_digest(templates: Path, files: dict[str, bytes] | None = None, language: str | None = None) -> str:
    """Hash of the template files (read now unless given). With `language`,
    of those a briefing in that language reads: the label catalogues of
    other languages (labels/en.yaml for a Dutch briefing) are left out, so
    that adding or changing one rebuilds only its own edition."""
    sha = hashlib.sha256()
    for name, data in (files if files is not None else template_files(templates)).items():
        if language is not None and name.startswith("labels/") and name != f"labels/{language}.yaml":
            continue
        sha.update(name.encode() + b"\0" + data)
    return sha.hexdigest()


@dataclass(frozen=True, slots=True)
class Task:
    briefing: Briefing
    formats: tuple[str, ...]
    templates: Path
    pdf_variant: str = DEFAULT_PDF_VARIANT
    # What earlier renders of this briefing learned, by format, the latest
    # first (Output.learned; learned.py).
    prior: Mapping[str, Sequence[Learned]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Output:
    format: str
    data: bytes
    pages: int | None
    beside: tuple[tuple[str, bytes], ...] = ()  # files written beside it: Rendered.beside
    learned: Learned | None = None  # Rendered.learned: for the next render of the briefing


@dataclass(frozen=True, slots=True)
class Rendering:
    id: str
    outputs: tuple[Output, ...] = ()
    error: str = ""
    seconds: float = 0.0
    # The error came from the machine (memory, a file), not from the
    # briefing: the same input may render next time.
    transient: bool = False


def render(task: Task) -> Rendering:
    """Render one briefing in the formats asked for. Returns errors instead
    of raising, so one failure does not stop the others; renders every format
    before any is written, so a briefing is written whole or not at all."""
    start = time.perf_counter()
    try:
        outputs = []
        for fmt in task.formats:
            with phase(f"render {fmt}"):
                result = get_writer(fmt, task.templates, task.pdf_variant).render(task.briefing, task.prior.get(fmt, ()))
            outputs.append(Output(fmt, result.data, result.pages, result.beside, result.learned))
        memory.give_back()  # a worker renders many: what this render freed goes back (memory.py)
        return Rendering(task.briefing.id, tuple(outputs), seconds=time.perf_counter() - start)
    except BriefingError as exc:
        return Rendering(task.briefing.id, error="; ".join(exc.messages()), seconds=time.perf_counter() - start,
                         transient=isinstance(exc, OutputError))
    except (MemoryError, OSError) as exc:
        return Rendering(task.briefing.id, error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - start,
                         transient=True)
    except Exception as exc:  # a renderer bug must not take the other briefings down
        return Rendering(task.briefing.id, error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - start)


def warm(templates: Path, formats: Iterable[str] = DEFAULT_FORMATS, pdf_variant: str = DEFAULT_PDF_VARIANT,
         with_pictures: bool = True, picture_store: Path | None = None,
         shipped: Mapping[str, bytes] | None = None) -> None:
    """Load once in this process what renders need: the writers, and for
    pictures matplotlib with the house fonts. Then freeze everything alive
    out of the garbage collector's walks: collections walk only what a
    render allocates, and do not write to (and so copy) pages a worker
    shares with the process it was forked from. Used by the build before it
    forks, the server's workers and the cluster's workers alike.
    `picture_store` is where drawn pictures are kept on disk (see
    `pictures.use_store`); `shipped` the assets tasks refer to, for a
    worker that did not inherit them (see assets.py)."""
    if shipped:
        assets.put_all(shipped)
    if picture_store is not None:
        pictures.use_store(picture_store)
    for fmt in sorted(formats):
        get_writer(fmt, templates, pdf_variant)
    if with_pictures:
        pictures.preload(templates)
    gc.collect()
    gc.freeze()


