"""Pain-pattern finder latency over the whole atlas (run by hand: make bench).

Draws random pain drawings of 1-15 regions (seeded), ranks the whole atlas for each, and reports
p50/p95/p99/max. The finder must stay well under 2 ms at p99 to re-rank on every click.
"""

from __future__ import annotations

import random
import statistics
import time

from needlepoint.clinical.finder import PainMark, suggest
from needlepoint.knowledge import load_knowledge

RUNS = 20_000


def run() -> dict[str, float | int | str]:
    t0 = time.perf_counter()
    kb = load_knowledge()
    load_s = time.perf_counter() - t0
    suggest([PainMark("head.temple", "left")])  # build the index once, as a server does at first use
    rng = random.Random(7)
    codes = list(kb.regions)
    drawings = []
    for _ in range(RUNS):
        marks = []
        for code in rng.sample(codes, rng.randint(1, 15)):
            side = None if kb.regions[code].midline else rng.choice(("left", "right"))
            marks.append(PainMark(code, side, rng.randint(1, 10)))  # type: ignore[arg-type]
        drawings.append(marks)
    timings = []
    for marks in drawings:
        start = time.perf_counter_ns()
        suggest(marks)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    timings.sort()
    q = statistics.quantiles(timings, n=100)
    return {
        "name": "pain-pattern finder (whole atlas)",
        "muscles": len(kb.muscles),
        "trigger_points": sum(len(m.trigger_points) for m in kb.muscles.values()),
        "runs": RUNS,
        "p50_ms": round(q[49], 3),
        "p95_ms": round(q[94], 3),
        "p99_ms": round(q[98], 3),
        "max_ms": round(timings[-1], 3),
        "atlas_load_s": round(load_s, 3),
    }


if __name__ == "__main__":
    print(run())
