"""Run every benchmark and write the results to docs/performance.md (with machine and date)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import dashboard_bench
import finder_bench

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    python = platform.python_version()
    return f"{platform.node() or 'host'}: {cpu}, {os.cpu_count()} cores, Python {python}, {platform.system()}"


def main() -> None:
    results = []
    for bench in (finder_bench, dashboard_bench):
        print(f"running {bench.__name__} …", flush=True)
        results.append(bench.run())
        print(results[-1], flush=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"\n## {stamp}\n", f"Machine: {machine()}\n"]
    for r in results:
        lines.append(f"\n### {r['name']}\n")
        lines.append("| measure | value |\n|---|---|\n")
        lines.extend(f"| {k} | {v} |\n" for k, v in r.items() if k != "name")
    if not DOC.exists():
        DOC.write_text("# Performance\n\nResults of `make bench` (benchmarks/), newest last. Run by hand, not in CI.\n")
    with DOC.open("a") as fh:
        fh.writelines(lines)
    print(f"appended to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
