"""Body-chart geometry: the shapes tile the figure (no gaps, no overlaps), stay on the
chart, are big enough to hit, and the package stays pure."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from needlepoint.bodymap import View, geometry, region_shapes

VIEWS: tuple[View, View] = ("front", "back")
Ring = list[tuple[float, float]]


def _rings(d: str) -> list[Ring]:
    out = []
    for sub in re.findall(r"M[^M]*", d):
        nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", sub)]
        out.append(list(zip(nums[::2], nums[1::2], strict=True)))
    return out


def _area(ring: Sequence[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True))) / 2


def _centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return (cx / (3 * a), cy / (3 * a))


def _inside(x: float, y: float, ring: Sequence[tuple[float, float]]) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


@pytest.mark.parametrize("view", VIEWS)
def test_shapes_tile_the_silhouette(view: View) -> None:
    """The regions' areas add up to the silhouette's: no gaps and no overlaps to speak of."""
    shapes = geometry.region_rings(view)
    total = sum(_area(r) for r in shapes.values())
    outline = sum(_area(r) for r in _rings(geometry.outline_path(view)))
    assert abs(total - outline) / outline < 0.002


@pytest.mark.parametrize("view", VIEWS)
def test_each_point_of_the_figure_is_in_one_region(view: View) -> None:
    shapes = [
        (r, min(p[0] for p in r), max(p[0] for p in r), min(p[1] for p in r), max(p[1] for p in r))
        for r in geometry.region_rings(view).values()
    ]
    outline = _rings(geometry.outline_path(view))
    inside = bad = 0
    y = 50.37
    while y < geometry.HEIGHT:
        x = 0.41
        while x < geometry.WIDTH:
            n = sum(1 for r, x0, x1, y0, y1 in shapes if x0 <= x <= x1 and y0 <= y <= y1 and _inside(x, y, r))
            in_figure = any(_inside(x, y, o) for o in outline)
            inside += in_figure
            bad += (n != 1) if in_figure else (n != 0)
            x += 4.0
        y += 4.0
    assert inside > 5000
    assert bad / inside < 0.005  # only sub-pixel slivers along shared edges


@pytest.mark.parametrize("view", VIEWS)
def test_shapes_are_on_the_chart_and_big_enough_to_hit(view: View) -> None:
    for key, ring in geometry.region_rings(view).items():
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        assert min(xs) >= 0 and max(xs) <= geometry.WIDTH, key
        assert min(ys) >= 45 and max(ys) <= geometry.HEIGHT, key
        assert min(max(xs) - min(xs), max(ys) - min(ys)) >= 7.5, key  # >= ~8 px at 400 px wide
        assert _area(ring) >= 60, key
        assert len(ring) >= 4, key


@pytest.mark.parametrize("view", VIEWS)
def test_figure_is_symmetric(view: View) -> None:
    shapes = geometry.region_rings(view)
    for code, side in region_shapes(view):
        if side != "left":
            continue
        left, right = shapes[(code, "left")], shapes[(code, "right")]
        assert abs(_area(left) - _area(right)) <= 0.005 * _area(left), code
        lx, ly = _centroid(left)
        rx, ry = _centroid(right)
        assert abs(lx + rx - geometry.WIDTH) < 0.3 and abs(ly - ry) < 0.3, code


def test_paths_are_compact() -> None:
    for view in VIEWS:
        size = sum(len(d) for d in geometry.region_paths(view).values())
        assert size < 60_000


def test_bodymap_is_pure() -> None:
    src = Path(geometry.__file__).parents[2]
    probe = (
        "import json, sys\n"
        "import needlepoint.bodymap as b\n"
        "b.render_both(legend=True)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'ninja', 'django_htmx'}"
        " or (m.startswith('needlepoint.') and m.split('.')[1] not in {'bodymap'}))\n"
        "print(json.dumps(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src)},
    )
    assert json.loads(out.stdout) == []
