"""Benchmark: catalogue builds against the renderer's floor and a peer pipeline.

Measures, in one run on this machine, and writes bench/results.json plus a
table (see bench/README.md for what each row means and what was found):

1. cold catalogue build, `briefing build --all -j 2` into an empty folder
2. the same with -j 1
3. a no-op rebuild of the catalogue
4. one briefing on demand (region sahel, PDF + DOCX): fresh process, and a
   library call inside a warm process
5. the floor: WeasyPrint alone rendering the catalogue's own print HTML to
   PDF in one warm process, divided by the cores used
6. the peer: pandoc turning the same briefing, as Markdown, into DOCX and
   into PDF with --pdf-engine=weasyprint
7. the pictures: the cold catalogue build without them (a copy of content/
   without geo/ and charts.yaml), the time to draw every distinct map and
   chart of the catalogue as SVG and PNG in one warm process, and the
   import of matplotlib in a fresh process

7. `briefing serve` (see bench_serve)
8. the matrix catalogue on the local process pool and on a 2-worker Dask
   LocalCluster (see bench_cluster)

Absolute times vary with the machine and its load; the ratios are what to
read. Run with `make bench` (or `python bench/run.py [--quick]`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.catalogue import catalogue  # noqa: E402
from generator.compose import Edition, compose  # noqa: E402
from generator.content import load_content  # noqa: E402
from generator.model import Box, Briefing, BulletList, Paragraph, Table  # noqa: E402
from generator.select import Selector, parse_selectors, select  # noqa: E402
from generator.serve.service import name_of  # noqa: E402
from generator.writers import get_writer  # noqa: E402
from generator.writers.html import HtmlWriter  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from waterfall import summarise, table  # noqa: E402

WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results.json"
TEMPLATES = ROOT / "templates"
BIN = Path(sys.executable).parent
BRIEFING = [str(BIN / "briefing")]

# Runs a command in a fresh wrapper so that RUSAGE_CHILDREN covers the
# command and every worker it starts (ru_maxrss: the largest of them).
MEASURE = """
import json, os, resource, subprocess, sys, time
start = time.perf_counter()
if os.environ.get("BRIEFING_PHASES"):
    os.environ["BRIEFING_PHASES_T0"] = repr(time.time())
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "max_rss_mb": usage.ru_maxrss / 1024}))
"""


def measure(argv: list[str], phases: Path | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `argv` in a fresh wrapper: wall, CPU and peak RSS of it and its
    workers; with `phases`, its phase waterfall is written there (see
    bench/waterfall.py)."""
    environment = {**os.environ, **(env or {})}
    if phases is not None:
        phases.unlink(missing_ok=True)
        environment["BRIEFING_PHASES"] = str(phases)
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, check=True,
                          env=environment)
    result: dict[str, Any] = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(argv)}")
    if phases is not None:
        result["phases"] = str(phases)
    return result


def best_of(n: int, argv: list[str], before: Any = None) -> dict[str, float]:
    runs = []
    for _ in range(n):
        if before:
            before()
        runs.append(measure(argv))
    return min(runs, key=lambda r: r["wall"])


def markdown(briefing: Briefing) -> str:
    """The same briefing as Markdown, for the peer pipeline."""
    lines = [f"% {briefing.cover.title}", f"% {briefing.metadata.author}", f"% {briefing.cover.date}", "",
             briefing.cover.subtitle, "", f"*{briefing.cover.source_line}*", ""]

    def para(p: Paragraph) -> str:
        lead = f"**{p.lead}.** " if p.lead else ""
        cite = f" *{p.source.citation}*" if p.source else ""
        notes = "".join(f"[^{n.marker}]" for n in p.footnotes)
        return f"{lead}{p.text}{notes}{cite}"

    footnotes: dict[str, str] = {}
    for section in briefing.walk():
        lines += ["#" * section.level + " " + section.title, ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines += [para(block), ""]
                footnotes.update({n.marker: n.text for n in block.footnotes})
            elif isinstance(block, BulletList):
                lines += [f"- {para(i)}" for i in block.items] + [""]
            elif isinstance(block, Box):
                lines += [f"> **{block.label}**", ">"] + [f"> {para(p)}\n>" for p in block.blocks] + [""]
            elif isinstance(block, Table):
                lines += ["| " + " | ".join(block.columns) + " |", "|" + "---|" * len(block.columns)]
                lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in block.rows] + [""]
    lines += [f"[^{k}]: {v}" for k, v in footnotes.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one briefing instead of the catalogue (smoke test)")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder (emptied first)")
    parser.add_argument("--results", type=Path, default=None,
                        help=f"where to write the results (default {RESULTS.relative_to(ROOT)}; with --quick, "
                             "results.json in the scratch folder)")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    target: Path = args.results or (work / "results.json" if args.quick else RESULTS)

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # The package's bytecode, compiled as an install compiles it (Makefile):
    # run from a worktree or after a pull, with PYTHONDONTWRITEBYTECODE set,
    # every process timed would otherwise compile the modules that changed.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], check=True)
    content = load_content(ROOT / "content")
    edition = Edition(date=dt.date(2026, 11, 27))
    wanted = catalogue(content)
    if args.quick:
        wanted = [(Selector("region", "sahel"),)]
    briefings = [compose(content, select(content, s), edition) for s in wanted]
    os.environ["SOURCE_DATE_EPOCH"] = "1795737600"
    cores = 2
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                           "platform": platform.platform()},
                               "briefings": len(briefings), "when": dt.datetime.now().isoformat(timespec="seconds")}

    build_cmd = [*BRIEFING, "build", "--out", str(work / "cat"), "--format", "pdf,docx,html", "--quiet"]
    build_cmd += ["--region", "sahel"] if args.quick else ["--all"]

    def empty_out() -> None:
        shutil.rmtree(work / "cat", ignore_errors=True)

    # The same catalogue without pictures: content without maps or charts.
    bare = work / "content-without-pictures"
    shutil.copytree(ROOT / "content", bare)
    shutil.rmtree(bare / "geo")
    (bare / "charts.yaml").unlink()
    for translated in bare.glob("translations/*/charts.yaml"):  # the charts' translations go with them
        translated.unlink()
    bare_cmd = [*build_cmd, "--content", str(bare)]

    # The floor: plain WeasyPrint on the catalogue's own print HTML, warm.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html_writer = HtmlWriter(TEMPLATES)
    sources = [html_writer.html(b, "print") for b in briefings]
    # The floor of the catalogue without pictures: what the maps and charts
    # cost WeasyPrint, against what they cost the build.
    bare_content = load_content(bare)
    bare_sources = [html_writer.html(compose(bare_content, select(bare_content, s), edition), "print")
                    for s in (wanted if args.quick else catalogue(bare_content))]
    fonts = FontConfiguration()
    base = TEMPLATES.as_uri() + "/"

    def plain(source: str) -> bytes:
        return weasyprint.HTML(string=source, base_url=base).write_pdf(  # type: ignore[no-any-return]
            font_config=fonts, pdf_variant="pdf/ua-1", pdf_tags=True)

    def floor_once(of: list[str]) -> float:
        start = time.perf_counter()
        for source in of:
            plain(source)
        return time.perf_counter() - start

    plain(sources[0])
    notes_dir = make_notes(work / "notes", content, NOTES)
    notes_cmd = [*build_cmd, "-j", str(cores), "--notes", str(notes_dir)]
    # This machine's speed drifts from minute to minute: the builds and the
    # floor are measured in alternation, and the best of each is kept.
    cold_j2, cold_j1, totals, bare_j2, bare_totals = [], [], [], [], []
    with_notes: dict[str, list[dict[str, float]]] = {"openbaar": [], "stg-g": []}
    for run in range(1 if args.quick else 3):
        for clearance, runs in with_notes.items():
            empty_out()
            runs.append(measure([*notes_cmd, "--clearance", clearance]))
        empty_out()
        cold_j2.append(measure([*build_cmd, "-j", str(cores)], phases=work / f"phases-catalogue-{run}.jsonl"))
        totals.append(floor_once(sources))
        empty_out()
        cold_j1.append(measure([*build_cmd, "-j", "1"]))
        empty_out()
        bare_j2.append(measure([*bare_cmd, "-j", str(cores)]))
        bare_totals.append(floor_once(bare_sources))
    results["cold_j2"] = min(cold_j2, key=lambda r: r["wall"])
    # The same build with the content and plan caches off (BRIEFING_CACHE=off):
    # what a first build on a machine pays; the runs above find them warm.
    empty_out()
    results["cold_j2_no_cache"] = measure([*build_cmd, "-j", str(cores)], phases=work / "phases-no-cache.jsonl",
                                          env={"BRIEFING_CACHE": "off"})
    results["waterfall_catalogue"] = summarise(Path(results["cold_j2"]["phases"]), len(briefings))
    results["waterfall_catalogue_no_cache"] = summarise(work / "phases-no-cache.jsonl", len(briefings))
    results["notes"] = {"count": NOTES, **{clearance: min(runs, key=lambda r: r["wall"])
                                           for clearance, runs in with_notes.items()}}
    results["cold_j2_without_pictures"] = min(bare_j2, key=lambda r: r["wall"])
    results["pictures"] = bench_pictures(briefings)
    results["cold_j1"] = min(cold_j1, key=lambda r: r["wall"])
    results["noop"] = best_of(3, [*build_cmd, "-j", str(cores)])
    floor_total = min(totals)

    # The command a policy officer types, -j left at the machine's cores:
    # the PDF in a worker forked as the command starts, the Word file in the
    # command meanwhile. And, alternating with it, the same in one process (-j 1).
    sahel_cmd = [*BRIEFING, "build", "--region", "sahel", "--format", "pdf,docx", "--out", str(work / "one"),
                 "--force", "--quiet"]
    fresh, fresh_j1 = [], []
    for run in range(3):
        fresh.append(measure([*sahel_cmd, "-j", str(cores)], phases=work / f"phases-on-demand-{run}.jsonl"))
        fresh_j1.append(measure([*sahel_cmd, "-j", "1"]))
    results["on_demand_fresh"] = min(fresh, key=lambda r: r["wall"])
    results["on_demand_fresh_j1"] = min(fresh_j1, key=lambda r: r["wall"])
    results["waterfall_on_demand"] = summarise(Path(results["on_demand_fresh"]["phases"]), 1)
    # Commands that only read content (issue 26: start-up), fresh processes
    # with the loaded-content cache warm, as a user's second call finds it.
    results["list"] = best_of(5, [*BRIEFING, "list"])
    results["explain"] = best_of(5, [*BRIEFING, "explain", "--region", "sahel"])

    # Warm process: writers built once, as in a server.
    sahel = compose(content, select(content, parse_selectors(content, [("region", "sahel")])), edition)
    pdf_writer, docx_writer = get_writer("pdf", TEMPLATES), get_writer("docx", TEMPLATES)
    pdf_writer.render(sahel)
    docx_writer.render(sahel)
    warm = []
    for _ in range(5):
        start = time.perf_counter()
        selection = select(content, parse_selectors(content, [("region", "sahel")]))
        briefing = compose(content, selection, edition)
        pdf_writer.render(briefing)
        docx_writer.render(briefing)
        warm.append(time.perf_counter() - start)
    results["on_demand_warm"] = {"wall": min(warm)}
    results["query_render"] = bench_query_render(content, edition, pdf_writer, quick=args.quick)

    results["floor"] = {"render_all_one_core": floor_total, "wall": floor_total / cores, "cores": cores}
    results["floor_without_pictures"] = {"render_all_one_core": min(bare_totals), "wall": min(bare_totals) / cores}
    sahel_source = html_writer.html(sahel, "print")
    singles = []
    for _ in range(5):
        start = time.perf_counter()
        plain(sahel_source)
        singles.append(time.perf_counter() - start)
    results["floor_on_demand"] = {"wall": min(singles)}

    # The peer: pandoc from Markdown to DOCX, and to PDF through WeasyPrint.
    md = work / "sahel.md"
    md.write_text(markdown(sahel), encoding="utf-8")
    env_path = f"{BIN}:{os.environ.get('PATH', '')}"
    os.environ["PATH"] = env_path
    peer_docx = best_of(3, ["pandoc", str(md), "-o", str(work / "peer.docx")])
    peer_pdf = best_of(3, ["pandoc", str(md), "--pdf-engine=weasyprint", "-o", str(work / "peer.pdf")])
    results["pandoc"] = {"docx": peer_docx, "pdf": peer_pdf, "wall": peer_docx["wall"] + peer_pdf["wall"]}

    results["serve"] = bench_serve(work, wanted, quick=args.quick, floor_single=results["floor_on_demand"]["wall"],
                                   floor_per_briefing=floor_total / len(briefings), cores=cores)

    results["cluster"] = bench_cluster(work, quick=args.quick, cores=cores)

    ratios = {
        "catalogue_vs_floor": results["cold_j2"]["wall"] / results["floor"]["wall"],
        # CPU seconds of the whole build over the floor's: overhead without scheduling and idle time
        "catalogue_cpu_vs_floor_cpu": results["cold_j2"]["cpu"] / results["floor"]["render_all_one_core"],
        "j1_vs_j2_speedup": results["cold_j1"]["wall"] / results["cold_j2"]["wall"],
        "catalogue_with_vs_without_pictures": results["cold_j2"]["wall"] / results["cold_j2_without_pictures"]["wall"],
        "catalogue_without_pictures_vs_its_floor":
            results["cold_j2_without_pictures"]["wall"] / results["floor_without_pictures"]["wall"],
        # What the pictures add to the build and to WeasyPrint alone, as shares of the floor.
        "pictures_added_to_build_vs_floor":
            (results["cold_j2"]["wall"] - results["cold_j2_without_pictures"]["wall"]) / results["floor"]["wall"],
        "pictures_added_to_floor_vs_floor":
            (results["floor"]["wall"] - results["floor_without_pictures"]["wall"]) / results["floor"]["wall"],
        "on_demand_warm_vs_floor": results["on_demand_warm"]["wall"] / results["floor_on_demand"]["wall"],
        "on_demand_fresh_vs_pandoc": results["on_demand_fresh"]["wall"] / results["pandoc"]["wall"],
        "on_demand_fresh_j1_vs_pandoc": results["on_demand_fresh_j1"]["wall"] / results["pandoc"]["wall"],
        "on_demand_warm_vs_pandoc": results["on_demand_warm"]["wall"] / results["pandoc"]["wall"],
        # 1,000 notes over all levels: a public build admits a quarter of them;
        # one at the highest clearance admits (and lays out) all.
        "catalogue_with_1000_notes_public_vs_without": results["notes"]["openbaar"]["wall"] / results["cold_j2"]["wall"],
        "catalogue_with_1000_notes_all_admitted_vs_without":
            results["notes"]["stg-g"]["wall"] / results["cold_j2"]["wall"],
    }
    targets = {
        "catalogue_vs_floor": ("<=", 1.15),
        "catalogue_cpu_vs_floor_cpu": ("<=", 1.15),
        "j1_vs_j2_speedup": (">=", 1.7),
        "noop_seconds": ("<=", 0.3),
        "peak_rss_mb": ("<=", 170),
        "serial_fraction": ("<=", 0.05),
        "coordinator_ms_per_briefing": ("<=", 11),
        "on_demand_warm_vs_floor": ("<=", 1.2),
        "on_demand_fresh_vs_pandoc": ("<", 1.0),
        "serve_hit_p50_ms": ("<=", 10),
        "serve_hit_p95_ms": ("<=", 30),
        "serve_uncached_vs_floor": ("<=", 1.15),
        "serve_throughput_vs_floor": (">=", 0.85),
        "serve_peak_rss_mb": ("<=", 450),
        "cluster_vs_local_pool": ("<=", 1.10),
        "catalogue_with_1000_notes_public_vs_without": ("<=", 1.10),
        "search_p50_ms": ("<=", 5),
        "list_seconds": ("<=", 0.2),
        "explain_seconds": ("<=", 0.2),
        "query_vs_subject_render_per_page": ("<=", 1.0),
    }
    serve = results["serve"]
    values = {**ratios, "serve_hit_p50_ms": serve["hit_p50_ms"], "serve_hit_p95_ms": serve["hit_p95_ms"],
              "serve_uncached_vs_floor": serve["uncached_vs_floor"],
              "serve_throughput_vs_floor": serve["throughput_vs_floor"], "serve_peak_rss_mb": serve["peak_rss_mb"],
              "noop_seconds": results["noop"]["wall"], "search_p50_ms": serve["search_p50_ms"],
              "list_seconds": results["list"]["wall"], "explain_seconds": results["explain"]["wall"],
              "query_vs_subject_render_per_page": results["query_render"]["query_vs_subject"],
              "cluster_vs_local_pool": results["cluster"]["cluster_vs_local"],
              "peak_rss_mb": max(results["cold_j2"]["max_rss_mb"], results["cold_j1"]["max_rss_mb"]),
              "serial_fraction": results["waterfall_catalogue"]["serial_fraction"],
              "coordinator_ms_per_briefing": 1000 * results["waterfall_catalogue"]["coordinator_cpu_per_briefing"]}
    results["ratios"] = ratios
    results["amdahl_2000"] = amdahl(results["waterfall_catalogue"], len(briefings), cores)
    results["targets"] = {k: {"value": values[k], "target": f"{op} {t}",
                              "met": values[k] <= t if op == "<=" else values[k] >= t if op == ">=" else values[k] < t}
                          for k, (op, t) in targets.items()}
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    print(f"{len(briefings)} briefing(s), {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print(f"{'measurement':<44}{'wall s':>9}{'cpu s':>9}{'max RSS MB':>12}")
    for key, label in (("cold_j2", "cold catalogue build, -j 2"), ("cold_j1", "cold catalogue build, -j 1"),
                       ("cold_j2_no_cache", "the same, content and plan caches off"),
                       ("cold_j2_without_pictures", "cold catalogue build without pictures, -j 2"),
                       ("noop", "no-op rebuild"), ("on_demand_fresh", "on demand, fresh process (pdf+docx)"),
                       ("on_demand_fresh_j1", "the same, -j 1 (one process)"),
                       ("on_demand_warm", "on demand, warm library call (pdf+docx)"),
                       ("floor", "floor: WeasyPrint alone, catalogue / 2 cores"),
                       ("floor_without_pictures", "floor without pictures, catalogue / 2 cores"),
                       ("floor_on_demand", "floor: WeasyPrint alone, one briefing"),
                       ("pandoc", "pandoc: md -> docx + md -> pdf (weasyprint)")):
        r = results[key]
        cpu = f"{r['cpu']:.2f}" if "cpu" in r else ""
        rss = f"{r['max_rss_mb']:.0f}" if "max_rss_mb" in r else ""
        print(f"{label:<44}{r['wall']:>9.2f}{cpu:>9}{rss:>12}")
    for key, label in (("waterfall_catalogue", "cold catalogue build, -j 2 (best run)"),
                       ("waterfall_catalogue_no_cache", "the same, caches off"),
                       ("waterfall_on_demand", "on demand, fresh process")):
        print(f"\nwaterfall: {label}\n{table(results[key])}")
    am = results["amdahl_2000"]
    print(f"Amdahl, 2,000 briefings on N machines of {cores} cores: fixed serial {am['fixed_s']:.2f} s, coordinator "
          f"{am['coordinator_ms']:.1f} ms and workers {am['worker_cpu_s']:.2f} CPU s per briefing: "
          + ", ".join(f"{n}: {t / 60:.1f} min" for n, t in am["seconds_by_machines"].items()))
    pc = results["pictures"]
    print(f"\npictures: {pc['distinct']} distinct in {pc['briefings_with']} briefings; drawn cold in one process "
          f"{pc['draw_s']:.2f} s (SVG {pc['svg_s']:.2f} s, PNG {pc['png_s']:.2f} s), "
          f"{pc['per_briefing_s'] * 1000:.0f} ms per briefing with pictures; matplotlib import "
          f"{pc['import_s']:.2f} s once per build")
    print(f"catalogue ÷ floor without pictures {ratios['catalogue_without_pictures_vs_its_floor']:.2f}; the "
          f"pictures add {ratios['pictures_added_to_build_vs_floor']:.0%} of the floor to the build and "
          f"{ratios['pictures_added_to_floor_vs_floor']:.0%} to WeasyPrint alone")
    sv = results["serve"]
    nt = results["notes"]
    print(f"\nnotes: {nt['count']} in one folder, the four levels in turn: catalogue "
          f"{results['cold_j2']['wall']:.1f} s without, {nt['openbaar']['wall']:.1f} s at Openbaar (a quarter admitted, "
          f"x{ratios['catalogue_with_1000_notes_public_vs_without']:.2f}), {nt['stg-g']['wall']:.1f} s at Stg. Geheim "
          f"(all admitted, x{ratios['catalogue_with_1000_notes_all_admitted_vs_without']:.2f})")
    print(f"\nserve: cached hit p50 {sv['hit_p50_ms']:.1f} ms, p95 {sv['hit_p95_ms']:.1f} ms (concurrency 16); "
          f"uncached PDF {sv['uncached_single_s']:.2f} s; {sv['throughput_per_s']:.2f} uncached PDFs/s at "
          f"concurrency 8 (floor {sv['floor_per_s']:.2f}/s); peak RSS {sv['peak_rss_mb']:.0f} MB; "
          f"/api/search p50 {sv['search_p50_ms']:.1f} ms, p95 {sv['search_p95_ms']:.1f} ms")
    qr = results["query_render"]
    print(f"query briefing '{qr['query']}' ({qr['query_pages']} pages): {qr['query_s_per_page'] * 1000:.0f} ms per "
          f"page, subjects of about its length {qr['subject_s_per_page'] * 1000:.0f} ms "
          f"({', '.join(qr['subjects'])}): x{qr['query_vs_subject']:.2f}")
    cl = results["cluster"]
    print(f"\ncluster: {cl['briefings']} matrix briefings, local pool -j {cores} {cl['local']['wall']:.1f} s, "
          f"2-worker LocalCluster {cl['cluster']['wall']:.1f} s; planning {cl['plan']['wall']:.2f} s; "
          f"coordinator {1000 * cl['coordinator_s_per_briefing']:.1f} ms/briefing, render "
          f"{cl['render_cpu_s_per_briefing']:.2f} CPU s/briefing")
    print("estimate for 2,000 briefings: " + ", ".join(f"{n} machine(s) ~{t / 60:.1f} min"
                                                       for n, t in cl["estimate_2000"].items()))
    print(f"\n{'target':<30}{'value':>10}  {'goal':<8} met")
    for key, t in results["targets"].items():
        print(f"{key:<30}{t['value']:>10.2f}  {t['target']:<8} {'yes' if t['met'] else 'NO'}")
    print(f"\nwritten to {target}")


NOTES = 1000


def amdahl(waterfall: dict[str, Any], briefings: int, cores: int, total: int = 2000) -> dict[str, Any]:
    """Wall time of `total` briefings on N machines of `cores` cores, from
    one build's waterfall: its fixed serial part (start-up until the first
    render, and after the last) does not shrink with more workers; the
    workers' CPU per briefing divides among N × cores; the coordinator's
    own work per briefing (planning, writing, the manifest) is serial and
    bounds the rate at which briefings can be finished, whatever N."""
    fixed = waterfall["serial"]
    worker = waterfall["worker_cpu"] / briefings
    coordinator = waterfall["coordinator_cpu_per_briefing"]
    by_machines = {n: fixed + max(total * worker / (n * cores), total * coordinator) for n in (1, 2, 4, 8, 16, 32, 64)}
    return {"fixed_s": fixed, "worker_cpu_s": worker, "coordinator_ms": 1000 * coordinator,
            "seconds_by_machines": by_machines,
            "machines_until_coordinator_bound": worker / (cores * coordinator) if coordinator else None}


def make_notes(folder: Path, content: Any, count: int) -> Path:
    """`count` invented notes in one folder: each about one subject or one
    passage, the levels in turn, a paragraph and a short list each."""
    import random

    pick = random.Random(20261204)
    folder.mkdir(parents=True)
    (folder / "_folder.yaml").write_text("max_classification: stg-g\n", encoding="utf-8")
    subjects = [f"{k}:{e.id}" for k in ("region", "theme", "ministry") for e in content.taxonomies[k].entries]
    passages = [p.id for p in content.passages if p.kind != "footnote"]
    levels = ("openbaar", "dv", "stg-c", "stg-g")
    lines = []
    for n in range(count):
        about = (f"subjects: [{pick.choice(subjects)}]" if n % 4 else f"passages: [{pick.choice(passages)}]")
        lines.append(f"- id: bench-{n}\n  {about}\n  classification: {levels[n % 4]}\n"
                     f"  date: 2026-{1 + n % 12:02d}-{1 + n % 28:02d}\n  unit: EENHEID-{n % 17}\n  text: |\n"
                     f"    Bench-aantekening {n}: een alinea van een paar zinnen over wat er sinds de strategie is "
                     "gebeurd, zoals een beleidsmedewerker die zou schrijven voor een bewindspersoon.\n\n"
                     f"    - eerste punt van aantekening {n}\n    - tweede punt\n")
    (folder / "bench.yaml").write_text("".join(lines), encoding="utf-8")
    return folder


def bench_pictures(briefings: list[Briefing]) -> dict[str, Any]:
    """Every distinct map and chart of the catalogue drawn as SVG and PNG in
    one warm process (matplotlib imported, caches empty), and matplotlib's
    import in a fresh one."""
    from generator import pictures
    from generator.pictures import draw

    found = {}
    with_pictures = 0
    for briefing in briefings:
        mine = list(briefing.pictures())
        with_pictures += bool(mine)
        found.update({pictures.drawing_key(p.drawing): p.drawing for p in mine})
    pictures.preload(TEMPLATES)
    pictures.cache_clear()
    draw._frame.cache_clear()
    draw.layout.cache_clear()
    spent = {"svg": 0.0, "png": 0.0}
    cache = os.environ.get("BRIEFING_CACHE")
    os.environ["BRIEFING_CACHE"] = "off"  # the maps' views made, not loaded from the cache folder
    try:
        for drawing in found.values():
            for fmt in ("svg", "png"):
                start = time.perf_counter()
                pictures.render(drawing, fmt, TEMPLATES)  # type: ignore[arg-type]
                spent[fmt] += time.perf_counter() - start
    finally:
        if cache is None:
            del os.environ["BRIEFING_CACHE"]
        else:
            os.environ["BRIEFING_CACHE"] = cache
    imports = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import generator.pictures.draw"], cwd=ROOT, check=True)
        imports.append(time.perf_counter() - start)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import generator"], cwd=ROOT, check=True)
    python = time.perf_counter() - start
    total = spent["svg"] + spent["png"]
    return {"distinct": len(found), "briefings_with": with_pictures, "svg_s": spent["svg"], "png_s": spent["png"],
            "draw_s": total, "per_briefing_s": total / max(with_pictures, 1),
            "import_s": max(min(imports) - python, 0.0), "wall": total}


def bench_query_render(content: Any, edition: Any, pdf_writer: Any, quick: bool) -> dict[str, Any]:
    """A briefing on a query against subject briefings of about its length:
    seconds per PDF page in a warm process (best of rounds), for the query
    'Iran' and for the three subject briefings whose page counts are
    nearest to it. Marks and the query's selection are what it adds."""
    def per_page(pairs: list[tuple[str, str]]) -> tuple[float, int]:
        times, pages = [], 0
        for _ in range(2 if quick else 5):
            start = time.perf_counter()
            briefing = compose(content, select(content, parse_selectors(content, pairs)), edition)
            pages = pdf_writer.render(briefing).pages
            times.append(time.perf_counter() - start)
        return min(times) / pages, pages

    query, query_pages = per_page([("query", "Iran")])
    subjects = []
    for kind in ("region", "theme", "ministry"):
        for entry in content.taxonomies[kind].entries:
            pages = pdf_writer.render(compose(content, select(content, parse_selectors(content, [(kind, entry.id)])),
                                              edition)).pages
            subjects.append((abs(pages - query_pages), kind, entry.id))
    nearest = sorted(subjects)[:1 if quick else 3]
    measured = {f"{kind}-{entry_id}": per_page([(kind, entry_id)]) for _, kind, entry_id in nearest}
    subject = sum(t for t, _ in measured.values()) / len(measured)
    return {"query": "Iran", "query_pages": query_pages, "query_s_per_page": query,
            "subjects": {k: {"pages": n, "s_per_page": t} for k, (t, n) in measured.items()},
            "subject_s_per_page": subject, "query_vs_subject": query / subject}


def bench_serve(work: Path, wanted: list[tuple[Selector, ...]], quick: bool, floor_single: float,
                floor_per_briefing: float, cores: int) -> dict[str, Any]:
    """`briefing serve` on a loopback port: cached hits under concurrency 16,
    one uncached PDF against WeasyPrint alone, uncached throughput at
    concurrency 8 against the floor's rate, and the peak memory of the
    server with its workers."""
    import socket
    import statistics
    import threading
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    import psutil

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*BRIEFING, "serve", "--port", str(port), "--workers", str(cores), "--cache",
                               str(work / "serve-cache"), "--queue", "64"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    peak = [0]
    running = [True]

    def watch() -> None:
        me = psutil.Process(server.pid)
        while running[0]:
            try:
                rss = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.2)  # RSS moves slowly; sampling less often keeps the watcher off the cores

    def fetch(path: str) -> float:
        start = time.perf_counter()
        with urllib.request.urlopen(url + path, timeout=120) as response:
            response.read()
        return time.perf_counter() - start

    try:
        for _ in range(600):
            try:
                fetch("/health")
                break
            except OSError:
                time.sleep(0.1)
        threading.Thread(target=watch, daemon=True).start()
        fetch("/briefings/region-arctic.pdf")  # every worker warm, first render done
        def uncached(path: str) -> float:
            """A render, not a hit: the cached files are removed first (a
            marking can no longer tell renders apart: there are four)."""
            for cached in (work / "serve-cache").glob("??/*"):
                cached.unlink()
            return fetch(path)

        singles = [uncached("/briefings/region-sahel.pdf") for _ in range(3 if quick else 7)]
        fetch("/briefings/region-sahel.pdf")
        hits_n = 64 if quick else 800
        with ThreadPoolExecutor(16) as pool:
            hits = sorted(pool.map(lambda _: fetch("/briefings/region-sahel.pdf"), range(hits_n)))
        # Search through the text on a warm server: each query asked once
        # first (its answer is then remembered, as on a server in use).
        queries = ["Iran", "kernwapen", "cyber", "Rusland", '"vitale infrastructuur"', "drugs OF terrorisme"]
        for q in queries:
            fetch("/api/search?" + urlencode({"q": q}))
        searches = sorted(fetch("/api/search?" + urlencode({"q": queries[n % len(queries)]}))
                          for n in range(60 if quick else 600))
        names = [name_of(sel) + (("?" + urlencode([("q", s.id) for s in sel if s.kind == "query"]))
                                 if any(s.kind == "query" for s in sel) else "") for sel in wanted]
        # Best of two rounds, as the floor is a best of rounds; each round
        # has its own marking (a level the briefings do not hold), so every
        # request is a render, not a hit.
        walls = []
        for round_ in range(1 if quick else 2):
            start = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(fetch, [f"/briefings/{name.replace('?', '.pdf?', 1) if '?' in name else name + '.pdf'}"
                                      f"{'&' if '?' in name else '?'}marking={('dv', 'stg-c')[round_]}"
                                      for name in names]))
            walls.append(time.perf_counter() - start)
        wall = min(walls)
    finally:
        running[0] = False
        server.terminate()
        server.wait(timeout=30)
    floor_rate = cores / floor_per_briefing
    return {
        "search_p50_ms": statistics.median(searches) * 1000,
        "search_p95_ms": searches[int(len(searches) * 0.95) - 1] * 1000,
        "hit_p50_ms": statistics.median(hits) * 1000,
        "hit_p95_ms": hits[int(len(hits) * 0.95) - 1] * 1000,
        # Best of the runs, as for every other row (the floor is a best of five).
        "uncached_single_s": min(singles),
        "uncached_vs_floor": min(singles) / floor_single,
        "throughput_per_s": len(names) / wall,
        "floor_per_s": floor_rate,
        "throughput_vs_floor": (len(names) / wall) / floor_rate,
        "peak_rss_mb": peak[0] / 1024 / 1024,
        "wall": wall,
    }



def bench_cluster(work: Path, quick: bool, cores: int) -> dict[str, Any]:
    """The matrix catalogue (`briefing build --matrix`) on the local process
    pool and on a Dask LocalCluster of as many single-threaded worker
    processes, alternately, best of two each; the cluster's overhead is the
    ratio. The cluster is started and warmed first (one small build), as a
    standing cluster would be. From the same runs: the coordinator's serial
    work (planning, from a dry run; writing, from the cluster run's own CPU)
    and the render CPU per briefing, which give the estimate for 2,000
    briefings on N machines of `cores` cores."""
    import contextlib
    import logging

    import dask
    from distributed import LocalCluster

    what = ["--region", "sahel"] if quick else ["--matrix"]
    common = ["--format", "pdf,docx,html", "--quiet", "--date", "2026-11-27"]
    plan = best_of(1 if quick else 2, [*BRIEFING, "build", *what, "--dry-run", "--out", str(work / "matrix-plan")])
    listing = subprocess.run([*BRIEFING, "build", *what, "--dry-run", "--out", str(work / "matrix-plan")],
                             capture_output=True, text=True, check=True).stdout
    count = sum(1 for line in listing.splitlines() if line.startswith("would build "))
    local_runs, cluster_runs = [], []
    # Workers as the README sets them up for rendering: without Dask's
    # statistical profiler, which samples every worker thread each 10 ms
    # (measured: the cluster 1.22 × the local pool with it, 1.08 without).
    with contextlib.ExitStack() as stack:
        stack.enter_context(dask.config.set({"distributed.worker.profile.enabled": False}))
        cluster = stack.enter_context(LocalCluster(n_workers=cores, threads_per_worker=1, processes=True,
                                                   host="127.0.0.1", dashboard_address=None,
                                                   silence_logs=logging.ERROR))
        address = cluster.scheduler_address
        measure([*BRIEFING, "build", "--region", "arctic", *common, "--out", str(work / "cluster-warm"),
                 "--scheduler", address])
        for _ in range(1 if quick else 2):
            shutil.rmtree(work / "matrix-local", ignore_errors=True)
            local_runs.append(measure([*BRIEFING, "build", *what, *common, "--out", str(work / "matrix-local"),
                                       "-j", str(cores)]))
            shutil.rmtree(work / "matrix-cluster", ignore_errors=True)
            cluster_runs.append(measure([*BRIEFING, "build", *what, *common, "--out", str(work / "matrix-cluster"),
                                         "--scheduler", address]))
    local = min(local_runs, key=lambda r: r["wall"])
    remote = min(cluster_runs, key=lambda r: r["wall"])
    # The cluster run's own process is the coordinator alone: its CPU less
    # the planning is what it spends per briefing receiving and writing.
    coordinator = max(0.0, remote["cpu"] - plan["cpu"]) / count
    render_cpu = local["cpu"] / count
    plan_per = plan["wall"] / count
    estimate = {}
    for machines in (1, 2, 4, 8, 16, 32):
        renders = 2000 * render_cpu / (machines * cores)
        estimate[machines] = 2000 * plan_per + max(renders, 2000 * coordinator)
    return {"briefings": count, "local": local, "cluster": remote, "plan": plan,
            "cluster_vs_local": remote["wall"] / local["wall"], "coordinator_s_per_briefing": coordinator,
            "render_cpu_s_per_briefing": render_cpu, "plan_s_per_briefing": plan_per, "estimate_2000": estimate}


if __name__ == "__main__":
    main()
