"""The phase waterfall of one run: where its wall and CPU time went.

Reads the JSON lines a run writes when BRIEFING_PHASES names a file (see
generator/phases.py) and sums them per phase:

- the coordinator's phases in the order they ran, each with its start
  (seconds after the process was started), wall and CPU time;
- the workers' phases summed over all workers (CPU; wall is the sum of
  their durations, so it can exceed the run's);
- the serial part: the time from the start until the first render began
  plus the time from the last render's end to the run's end, when no
  worker renders; as a fraction of the run's wall time it is what
  Amdahl's law needs (a run on N times the workers takes at least
  serial + parallel ÷ N);
- the coordinator's own CPU per briefing outside start-up (planning,
  writing files, the manifest): what bounds a cluster build.

`python bench/waterfall.py FILE` prints the table of a file.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

RENDER = "render "
# Phases that run once per build in the coordinator, not per briefing.
ONCE = ("start-up", "load content", "start workers", "verify output folder")


def summarise(path: Path, briefings: int) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if not rows:
        raise SystemExit(f"{path}: no phases recorded (was BRIEFING_PHASES set?)")
    t0 = min(r["start"] for r in rows)
    end = max(r["end"] for r in rows)
    coordinator: dict[str, dict[str, float]] = {}
    workers: dict[str, dict[str, float]] = defaultdict(lambda: {"wall": 0.0, "cpu": 0.0, "count": 0})
    for r in sorted(rows, key=lambda r: r["start"]):
        table = workers if r["role"] == "worker" else coordinator
        row = table.setdefault(r["phase"], {"start": r["start"] - t0, "wall": 0.0, "cpu": 0.0, "count": 0})
        row["wall"] += r["end"] - r["start"]
        row["cpu"] += r["cpu"]
        row["count"] += 1
    renders = [r for r in rows if r["phase"].startswith(RENDER)]
    first = min((r["start"] for r in renders), default=end)
    last = max((r["end"] for r in renders), default=end)
    if not any(r["role"] == "worker" for r in rows):  # rendered in the coordinator: all of it is serial
        first = last = end
    serial = (first - t0) + (end - last)
    per_briefing = sum(v["cpu"] for k, v in coordinator.items() if k not in ONCE and not k.startswith(RENDER)
                       and not k.startswith("import ")) / max(briefings, 1)
    return {"wall": end - t0, "coordinator": coordinator, "workers": dict(workers),
            "until_first_render": first - t0, "after_last_render": end - last, "serial": serial,
            "serial_fraction": serial / (end - t0), "coordinator_cpu_per_briefing": per_briefing,
            "worker_cpu": sum(v["cpu"] for v in workers.values())}


def table(summary: dict[str, Any]) -> str:
    lines = [f"{'phase':<32}{'start s':>9}{'wall s':>9}{'cpu s':>9}{'n':>6}"]
    for name, v in summary["coordinator"].items():
        lines.append(f"{'coordinator: ' + name:<32}{v['start']:>9.2f}{v['wall']:>9.2f}{v['cpu']:>9.2f}{v['count']:>6}")
    for name, v in sorted(summary["workers"].items(), key=lambda kv: -kv[1]["cpu"]):
        lines.append(f"{'workers: ' + name:<32}{'':>9}{v['wall']:>9.2f}{v['cpu']:>9.2f}{v['count']:>6}")
    lines.append(f"run {summary['wall']:.2f} s; until the first render {summary['until_first_render']:.2f} s, after "
                 f"the last {summary['after_last_render']:.2f} s: serial fraction {summary['serial_fraction']:.1%}; "
                 f"coordinator {1000 * summary['coordinator_cpu_per_briefing']:.1f} ms CPU per briefing "
                 "(planning, writing, manifest)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(summarise(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1)))
