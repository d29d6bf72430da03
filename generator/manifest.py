"""manifest.json and index.html: what a build folder holds, for machines and
for people.

manifest.json is also the memory of incremental builds: each entry records
the input hash its files were built from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from . import __version__
from .content import Content
from .labels import load_labels
from .writers.html import house_fonts_css

if TYPE_CHECKING:
    from .build import Job, JobResult

MANIFEST = "manifest.json"
INDEX = "index.html"
INDEX_TEMPLATE = "index.html.j2"


def read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """Entries of an earlier build by briefing id; empty when there is none
    or it cannot be read (then everything is rebuilt)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {e["id"]: e for e in data.get("briefings", []) if isinstance(e, dict) and "id" in e}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def entries(jobs: Sequence[Job], results: Sequence[JobResult], previous: dict[str, dict[str, Any]],
            built_at: str, content: Content) -> list[dict[str, Any]]:
    out = []
    for job, result in zip(jobs, results, strict=False):
        if result.error:
            if job.briefing.id in previous:  # keep the last good files listed
                out.append(previous[job.briefing.id])
            continue
        old = previous.get(job.briefing.id, {})
        pdf = next((f for f in result.files if f.format == "pdf"), None)
        out.append({
            "id": job.briefing.id,
            "title": job.briefing.cover.title,
            "selectors": [{"kind": s.kind, "id": s.id,
                           "label": content.taxonomies[s.kind][s.id].label_nl} for s in job.selectors],
            "passages": job.briefing.passage_count,
            "pages": pdf.pages if pdf else None,
            "files": {f.format: {"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "pages": f.pages}
                      for f in result.files},
            "content_hash": job.content_hash,
            "input_hash": job.input_hash,
            "built_at": old.get("built_at", built_at) if result.skipped else built_at,
        })
    return out


def write_outputs(out: Path, content: Content, briefings: list[dict[str, Any]], built_at: str,
                  templates: Path) -> None:
    from .build import atomic_write  # late: build imports this module

    manifest = {
        "generator": "briefing",
        "generator_version": __version__,
        "content_version": content.document.content_version,
        "content_digest": content.digest,
        "source": content.document.citation,
        "build_time": built_at,
        "briefings": sorted(briefings, key=lambda e: e["id"]),
    }
    try:
        old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    unchanged = {k: v for k, v in old.items() if k != "build_time"} == \
        {k: v for k, v in manifest.items() if k != "build_time"}
    if unchanged and (out / INDEX).is_file():
        return  # a no-op build leaves both files, and their times, alone
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out / MANIFEST, text.encode("utf-8"))
    atomic_write(out / INDEX, render_index(manifest, content, templates).encode("utf-8"))


def render_index(manifest: dict[str, Any], content: Content, templates: Path) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest["briefings"]:
        kinds = {s["kind"] for s in entry["selectors"]}
        key = next(iter(kinds)) if len(entry["selectors"]) == 1 else "combination"
        groups.setdefault(key, []).append(entry)
    words = load_labels(content.document.language, templates)
    order = ("region", "theme", "ministry", "combination")
    sections: list[dict[str, Any]] = [{"title": words.kind(key, "kinds_plural"), "id": key,
                                       "entries": sorted(groups[key], key=lambda e: e["title"])}
                                      for key in order if key in groups]
    try:
        return env.get_template(INDEX_TEMPLATE).render(
            manifest=manifest, sections=sections, document=content.document, words=words,
            fonts_css=house_fonts_css(templates))
    except jinja2.TemplateError as exc:
        from .errors import TemplateError
        raise TemplateError(f"{templates / INDEX_TEMPLATE}: {exc}") from None
