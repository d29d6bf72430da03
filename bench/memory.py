"""Memory of one render worker over many renders (issue 26): the PDF and
Word writers reuse what they can across documents (fonts, parsed
stylesheets, compressed package parts, drawn pictures); this checks that
what they keep does not grow.

Renders the catalogue's briefings in turn, PDF and DOCX, in this one
process through the render core's `render`, as a build worker or a server
worker does (giving freed memory back after each, see
generator/memory.py, and keeping its pictures in a store on disk, as a
build's and the server's workers do), RENDERS times in all, and samples
the resident set size every STEP renders. Flat means: the
growth from the first sample after warming (one pass over the catalogue)
to the last is a few megabytes, not a slope.

    python bench/memory.py [--renders 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import pictures  # noqa: E402
from generator.catalogue import catalogue  # noqa: E402
from generator.compose import Edition, compose  # noqa: E402
from generator.content import load_content  # noqa: E402
from generator.model import Briefing  # noqa: E402
from generator.render import Task, render  # noqa: E402
from generator.select import select  # noqa: E402

STEP = 50


def rss_mb() -> float:
    """The resident set size now (ru_maxrss is the peak; /proc has the present)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=500)
    args = parser.parse_args()
    content = load_content(ROOT / "content")
    edition = Edition(date=dt.date(2026, 11, 27))
    briefings = [compose(content, select(content, s), edition) for s in catalogue(content)]
    with tempfile.TemporaryDirectory(prefix="briefing-memory-") as store:
        pictures.use_store(Path(store))
        measure(briefings, args.renders)


def measure(briefings: list[Briefing], renders: int) -> None:
    tasks = [Task(b, ("pdf", "docx"), ROOT / "templates") for b in briefings]
    for task in tasks:  # warm: every picture drawn, every writer loaded
        assert not render(task).error
    gc.collect()
    samples = [(0, rss_mb())]
    start = time.perf_counter()
    for n in range(1, renders + 1):
        assert not render(tasks[n % len(tasks)]).error
        if n % STEP == 0:
            gc.collect()
            samples.append((n, rss_mb()))
            print(f"{n:>5} renders  {samples[-1][1]:7.1f} MB", flush=True)
    seconds = time.perf_counter() - start
    growth = samples[-1][1] - samples[0][1]
    second_half = samples[-1][1] - samples[len(samples) // 2][1]
    print(f"{renders} renders (PDF + DOCX) of {len(briefings)} briefings in {seconds:.0f} s: "
          f"{samples[0][1]:.1f} MB after warming, {samples[-1][1]:.1f} MB at the end "
          f"(+{growth:.1f} MB; +{second_half:.1f} MB over the second half)")


if __name__ == "__main__":
    main()
