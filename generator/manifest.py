"""manifest.json and index.html: what a build folder holds, for machines and
for people.

manifest.json is also the memory of incremental builds: each file records
the input hash it was built from and its sha256, each briefing the hash of
what it shows and the date it shows. The build keeps it equal to the disk
(see build.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NotRequired, TypedDict, cast

from . import __version__
from .content import Content
from .errors import OutputError, TemplateError
from .formats import REGISTRY
from .labels import load_labels
from .outputs import MANIFEST
from .publish.feed import Change, PassageMark, summary

# The manifest's format. A build or server meeting an older one migrates it
# as it reads it (see _migrate); a newer one, written by a later briefing,
# is refused in one line rather than overwritten. CHANGELOG.md says what
# each version changed.
#   1  (no "schema" field) before 2026-12-04
#   2  entries carry "content_date", the date their content last changed
#   3  "clearance": the level up to which the build admitted notes (an
#      older folder was built at the lowest)
SCHEMA = 3
INDEX = "index.html"
INDEX_TEMPLATE = "index.html.j2"


class BesideFile(TypedDict):
    """A file written beside a briefing's file (a Markdown edition's
    pictures), listed and checked with it."""

    name: str
    sha256: str
    bytes: int


class ManifestFile(TypedDict):
    name: str
    sha256: str
    bytes: int
    pages: int | None
    input_hash: str
    beside: NotRequired[list[BesideFile]]  # files it links to, written beside it
    # PDF only: the variant (pdf/ua-1, pdf/a-2a, …) and, when signed, the
    # signer's name and the SHA-256 fingerprint of its certificate.
    variant: NotRequired[str]
    signer: NotRequired[str]
    signer_sha256: NotRequired[str]


class ManifestSelector(TypedDict):
    kind: str
    id: str
    label: str


class ManifestEntry(TypedDict):
    id: str
    title: str
    language: str  # of the edition: "nl", or "en" for the Dutch original with an English translation
    selectors: list[ManifestSelector]
    passages: int
    marking: str
    date: str  # the date the briefing shows: when its content last changed, or the chosen edition date
    content_date: str  # when its content last changed (schema 2; read_manifest migrates older entries)
    content_hash: str
    pages: int | None
    built_at: str
    changed_at: str  # when content_hash last changed (the feed's `updated`)
    passage_hashes: dict[str, PassageMark]  # what the next build diffs against
    last_change: Change  # what changed then
    files: dict[str, ManifestFile]


class IndexGroup(TypedDict):
    """A kind of briefing present in the folder (index.html's kind filter)."""

    id: str  # region, theme, ministry, combination
    title: str
    count: int


class IndexRow(TypedDict):
    """What index.html.j2 receives per briefing, besides its manifest entry:
    what it is sorted and filtered by, and its last change in words."""

    entry: dict[str, Any]
    group: str
    kind: str
    order: int  # position when grouped by kind and sorted by title
    size: int  # bytes of all its files
    changed_at: str
    change: str
    search: str  # lower-case words the filter matches


def read_manifest(out: Path) -> dict[str, ManifestEntry]:
    """Entries of an earlier build by briefing id, in this version's format;
    empty when there is none or it cannot be read (then everything is
    rebuilt). Raises OutputError for a manifest of a later version."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        schema = data.get("schema", 1)
        entries = [e for e in data.get("briefings", []) if isinstance(e, dict) and "id" in e
                   and isinstance(e.get("files"), dict)]
    except (OSError, ValueError, TypeError, AttributeError):
        return {}
    if not isinstance(schema, int) or schema > SCHEMA:
        raise OutputError(f"{out / MANIFEST}: written by a later version of briefing (manifest schema {schema}; "
                          f"this is briefing {__version__}, schema {SCHEMA}): upgrade briefing, or build into "
                          "another folder")
    return {e["id"]: _migrate(cast(ManifestEntry, e), schema) for e in entries}


def _migrate(entry: ManifestEntry, schema: int) -> ManifestEntry:
    """An entry of an older manifest in this version's format."""
    if schema < 2 and "content_date" not in entry:
        # Schema 1 kept only the date shown, which may have been an edition
        # date chosen with --date; the content last changed at changed_at.
        entry["content_date"] = entry.get("changed_at", "")[:10] or entry.get("date", "")
    return entry


def _document(content: Content, entries: list[ManifestEntry], built_at: str, clearance: str) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generator": "briefing",
        "generator_version": __version__,
        "content_version": content.document.content_version,
        "source": content.document.citation,
        "clearance": clearance,
        "build_time": built_at,
        "briefings": sorted(entries, key=lambda e: e["id"]),
    }


def folder_clearance(out: Path, lowest: str) -> str | None:
    """The clearance the folder's manifest was written at (`lowest` for one
    written before clearances), or None when there is no manifest."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return lowest if (out / MANIFEST).exists() else None
    found = data.get("clearance") if isinstance(data, dict) else None
    return found if isinstance(found, str) and found else lowest


def manifest_update(out: Path, content: Content, entries: list[ManifestEntry], built_at: str, clearance: str,
                    compare: bool = True) -> tuple[bytes | None, dict[str, Any]]:
    """manifest.json's new bytes, or None when only its build time would
    change (a no-op build leaves the file, and its time, alone);
    `compare=False` when the caller knows it changed (a briefing was just
    built). Returns them with the manifest."""
    manifest = _document(content, entries, built_at, clearance)
    if compare:
        try:
            old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if isinstance(old, dict) and {k: v for k, v in old.items() if k != "build_time"} == \
                {k: v for k, v in manifest.items() if k != "build_time"}:
            return None, manifest
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), manifest


def index_update(out: Path, content: Content, templates: Path, manifest: dict[str, Any],
                 only_if_missing: bool = False, language: str = "") -> bytes | None:
    """index.html's bytes, or None to leave it (`only_if_missing` and it is there)."""
    if only_if_missing and (out / INDEX).is_file():
        return None
    return render_index(manifest, content, templates, language).encode("utf-8")


def document_title(content: Content, language: str) -> str:
    """The strategy's title as a page in `language` names it: the official
    English version's in English."""
    document = content.document
    return document.title_en if language == "en" and document.title_en else document.title


GROUPS = ("region", "theme", "ministry", "query", "combination")


def render_index(manifest: dict[str, Any], content: Content, templates: Path, language: str = "") -> str:
    """The folder's page, in `language` (default: the strategy's): the
    first edition language of the build."""
    import jinja2  # here: a build with nothing to do writes no index and needs no Jinja

    from .writers.html import environment, house_fonts_css

    env = environment(templates)
    words = load_labels(language or content.document.language, templates)

    def group(entry: dict[str, Any]) -> str:
        kinds = {s["kind"] for s in entry["selectors"]}
        return next(iter(kinds)) if len(entry["selectors"]) == 1 else "combination"

    entries = sorted(manifest["briefings"], key=lambda e: (GROUPS.index(group(e)), e["title"]))
    rows: list[IndexRow] = []
    for order, entry in enumerate(entries):
        key = group(entry)
        labels = [s["label"] for s in entry["selectors"]] + [s["id"] for s in entry["selectors"]]
        change = entry.get("last_change")
        rows.append(IndexRow(
            entry=entry, group=key, kind=words.kind(key), order=order,
            size=sum(f["bytes"] for f in entry["files"].values()),
            changed_at=entry.get("changed_at") or entry["built_at"],
            change=summary(change, words) if change else "",
            search=" ".join([entry["title"], entry["marking"], words.kind(key), entry.get("language", ""),
                             *labels]).lower()))
    groups = [IndexGroup(id=k, title=words.kind(k, "kinds_plural"), count=sum(1 for r in rows if r["group"] == k))
              for k in GROUPS if any(r["group"] == k for r in rows)]
    try:
        return env.get_template(INDEX_TEMPLATE).render(
            manifest=manifest, rows=rows, groups=groups, document=content.document, words=words,
            document_title=document_title(content, words.text("language")),
            fonts_css=house_fonts_css(templates),
            formats=[{"id": f.id, "name": words.text(f"{f.label}.name"), "media_type": f.media_type.split(";")[0]}
                     for f in REGISTRY.values()])
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{templates / INDEX_TEMPLATE}: {exc}") from None
