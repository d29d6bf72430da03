"""The benchmark script runs (on one briefing). Not a timed test; slow
(about 40 s: every part of the benchmark, a server and a Dask cluster
included), so it runs with `make slow`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_bench_runs_on_one_briefing(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--work", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["briefings"] == 1
    for key in ("cold_j2", "cold_j1", "cold_j2_without_pictures", "noop", "on_demand_fresh", "on_demand_fresh_j1",
                "on_demand_warm",
                "floor", "pandoc"):
        assert results[key]["wall"] > 0, key
    assert set(results["targets"]) >= {"catalogue_vs_floor", "j1_vs_j2_speedup", "noop_seconds", "peak_rss_mb",
                                       "on_demand_warm_vs_floor", "on_demand_fresh_vs_pandoc", "serve_hit_p50_ms",
                                       "serve_uncached_vs_floor", "serve_throughput_vs_floor", "serve_peak_rss_mb",
                                       "cluster_vs_local_pool", "search_p50_ms", "query_vs_subject_render_per_page"}
    assert results["serve"]["search_p50_ms"] > 0 and results["query_render"]["query_vs_subject"] > 0
    cluster = results["cluster"]
    assert cluster["briefings"] == 1 and cluster["local"]["wall"] > 0 and cluster["cluster"]["wall"] > 0
    assert cluster["cluster_vs_local"] > 0 and set(cluster["estimate_2000"]) >= {"1", "8"}
    assert results["pictures"]["distinct"] == 1 and results["pictures"]["draw_s"] > 0  # the Sahel's map
    assert results["serve"]["hit_p50_ms"] > 0 and results["serve"]["peak_rss_mb"] > 0
    assert "catalogue_vs_floor" in done.stdout
    assert (tmp_path / "peer.pdf").stat().st_size > 0 and (tmp_path / "peer.docx").stat().st_size > 0
