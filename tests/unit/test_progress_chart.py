"""The progress chart: valid, accessible, deterministic SVG with the threshold band, the MCID line
on the side of improvement and one marker per value."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from needlepoint.clinical.outcomes.change import classify_change
from needlepoint.outcomes.services.summary import MeasureSeries, SeriesPoint
from needlepoint.reports.charts import (
    GID_BAND,
    GID_MCID,
    GID_POINTS,
    GID_POINTS_POST,
    RateBar,
    ae_rates_chart_svg,
    progress_chart_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
D = Decimal


def Point(taken_on: dt.date, timepoint: str, value: Decimal, source: str = "visit") -> SeriesPoint:
    return SeriesPoint(taken_on, timepoint, value, source)


def Series(**fields: Any) -> MeasureSeries:
    return MeasureSeries(sources=(), **fields)


def day(n: int) -> dt.date:
    return dt.date(2026, 5, 4) + dt.timedelta(days=n)


NPRS_POINTS = (
    Point(day(0), "visit_pre", D(7)),
    Point(day(0), "visit_post", D(4)),
    Point(day(7), "visit_pre", D(6)),
    Point(day(7), "visit_post", D(3)),
    Point(day(14), "visit_pre", D(4)),
    Point(day(45), "discharge", D(3), "measurement"),
)
NPRS = Series(
    measure_id="nprs",
    label="NPRS",
    unit="points",
    direction="lower is better",
    qualifier="",
    points=NPRS_POINTS,
    baseline=NPRS_POINTS[0],
    latest=NPRS_POINTS[-1],
    change=classify_change("nprs", 7, 3),
    mcid=D(2),
    mdc=D("1.77"),
)
ROM_POINTS = (
    Point(day(0), "baseline", D(50), "measurement"),
    Point(day(14), "visit_pre", D(58), "measurement"),
    Point(day(28), "discharge", D(66), "measurement"),
)
ROM = Series(
    measure_id="rom",
    label="Range of motion",
    unit="°",
    direction="higher is better",
    qualifier="Cervical rotation, left",
    points=ROM_POINTS,
    baseline=ROM_POINTS[0],
    latest=ROM_POINTS[-1],
    change=classify_change("rom", 50, 66),
    mcid=None,
    mdc=D("9.6"),
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def group(root: ET.Element, gid: str) -> ET.Element:
    found = root.find(f".//*[@id='{gid}']")
    assert found is not None, f"no element with id {gid!r}"
    return found


def markers(root: ET.Element, gid: str) -> int:
    return len(group(root, gid).findall(f".//{SVG}use"))


def ys_of(element: ET.Element) -> list[float]:
    """The y coordinates of an element's first path (SVG y grows downwards)."""
    path = element.find(f".//{SVG}path")
    assert path is not None
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
    return numbers[1::2]


def test_the_chart_is_valid_svg_without_a_prolog_or_metadata() -> None:
    svg = progress_chart_svg(NPRS)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert svg.startswith("<svg")  # can go inline in HTML or into a data: URI
    assert "<metadata" not in svg and "dc:date" not in svg and "Matplotlib v" not in svg


def test_title_and_desc_say_what_the_chart_shows() -> None:
    root = parse(progress_chart_svg(NPRS))
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "NPRS"
    assert desc is not None and desc.text is not None
    assert "Baseline 7 points on 4 May 2026" in desc.text
    assert "Latest 3 points on 18 June 2026" in desc.text
    assert "Change from baseline -4 points (57% better): meaningful improvement (MCID 2 points)" in desc.text
    assert "baseline ± 1.77 points (MDC), within measurement error" in desc.text
    labelled = (root.get("aria-labelledby") or "").split()
    assert labelled == [title.get("id"), desc.get("id")]


def test_the_band_is_baseline_plus_or_minus_the_mdc_and_labelled() -> None:
    svg = progress_chart_svg(NPRS)
    root = parse(svg)
    band = ys_of(group(root, GID_BAND))
    assert "within measurement error (±1.77 MDC)" in svg
    # The axis is the NPRS's whole scale, 0-10: the band's height is 2 x 1.77 of 10 points.
    axes = ys_of(group(root, "patch_2"))
    scale = (max(axes) - min(axes)) / 10
    assert (max(band) - min(band)) / scale == pytest.approx(3.54, abs=0.01)
    centre = (max(band) + min(band)) / 2
    assert (max(axes) - centre) / scale == pytest.approx(7, abs=0.01)  # the baseline


def test_without_an_mdc_the_band_is_plus_or_minus_the_mcid() -> None:
    svg = progress_chart_svg(replace(NPRS, mdc=None))
    assert "within measurement error (±2 MCID)" in svg
    assert "baseline ± 2 points (MCID)" in svg


def test_the_mcid_line_lies_on_the_side_of_improvement() -> None:
    # Pain: lower is better, so the line is below the baseline (a larger SVG y).
    pain = parse(progress_chart_svg(NPRS))
    line_y = ys_of(group(pain, GID_MCID))[0]
    band = ys_of(group(pain, GID_BAND))
    assert line_y > (max(band) + min(band)) / 2
    assert "meaningful improvement" in progress_chart_svg(NPRS)
    # Range of motion: higher is better, so the line is above the baseline.
    rom = replace(ROM, mcid=D(10))
    root = parse(progress_chart_svg(rom, y_range=(0, 90)))
    line_y = ys_of(group(root, GID_MCID))[0]
    band = ys_of(group(root, GID_BAND))
    assert line_y < (max(band) + min(band)) / 2


def test_no_mcid_no_line_and_no_baseline_no_band() -> None:
    root = parse(progress_chart_svg(ROM, y_range=(0, 90)))
    assert root.find(f".//*[@id='{GID_MCID}']") is None
    assert root.find(f".//*[@id='{GID_BAND}']") is not None
    bare = parse(progress_chart_svg(replace(NPRS, baseline=None, change=None)))
    assert bare.find(f".//*[@id='{GID_BAND}']") is None
    assert bare.find(f".//*[@id='{GID_MCID}']") is None


def test_one_marker_per_value_and_after_treatment_told_apart() -> None:
    root = parse(progress_chart_svg(NPRS))
    assert markers(root, GID_POINTS) == 4
    assert markers(root, GID_POINTS_POST) == 2
    rom = parse(progress_chart_svg(ROM, y_range=(0, 90)))
    assert markers(rom, GID_POINTS) == 3
    assert rom.find(f".//*[@id='{GID_POINTS_POST}']") is None


def test_the_axis_spans_the_instruments_whole_scale() -> None:
    texts = [t.text for t in parse(progress_chart_svg(NPRS)).iter(f"{SVG}text")]
    assert "0" in texts and "10" in texts
    assert "NPRS (points)" in texts
    assert "lower is better" in texts


def test_a_physical_test_starts_at_its_floor_and_fits_the_values() -> None:
    # Range of motion may be 0-360 degrees, but a neck turns 50-66: the axis starts at 0 and stops
    # a little above the band and the values.
    texts = [t.text or "" for t in parse(progress_chart_svg(ROM)).iter(f"{SVG}text")]
    ticks = [int(t) for t in texts if t.isdigit()]
    assert min(ticks) == 0 and 60 <= max(ticks) <= 80


def test_text_stays_text_in_a_font_that_exists() -> None:
    svg = progress_chart_svg(NPRS)
    assert "DejaVu Sans" in svg
    assert "<text" in svg
    assert 'id="DejaVuSans-' not in svg  # no glyph outlines


def test_the_same_series_gives_the_same_bytes_and_another_differs() -> None:
    assert progress_chart_svg(NPRS) == progress_chart_svg(NPRS)
    changed = replace(NPRS, points=(*NPRS_POINTS[:-1], Point(day(45), "discharge", D(2))))
    assert progress_chart_svg(changed) != progress_chart_svg(NPRS)


def test_id_prefix_reaches_every_id_and_reference() -> None:
    svg = progress_chart_svg(NPRS, id_prefix="c1-")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("c1-") for i in ids)
    refs = re.findall(r'(?:xlink:href="#|url\(#)([^")]+)', svg)
    assert refs and all(r.startswith("c1-") for r in refs)
    assert set(refs) <= set(ids)
    assert "c1-threshold-band" in ids
    assert "#c1-progress-chart *{" in svg  # matplotlib's stylesheet stays inside this chart


def test_a_series_without_values_still_draws() -> None:
    empty = replace(NPRS, points=(), baseline=None, latest=None, change=None)
    svg = progress_chart_svg(empty)
    assert "No values recorded yet" in svg
    assert "no values recorded yet" in svg  # the desc


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="width_in"):
        progress_chart_svg(NPRS, width_in=0)
    with pytest.raises(ValueError, match="y_range"):
        progress_chart_svg(NPRS, y_range=(10, 0))


def test_the_adverse_event_chart_marks_the_clinic_and_the_published_rates() -> None:
    svg = ae_rates_chart_svg(
        [
            ("Mild", [RateBar("This clinic", 150.0, 100.0, 210.0), RateBar("Brady 2014", 191.8, published=True)]),
            ("Significant or serious", [RateBar("This clinic", 0.0, 0.0, 12.0),
                                        RateBar("Brady 2014", 0.0, published=True, upper_bound=0.4)]),
        ],
        description="Mild: 150 per 1,000.",
    )
    root = parse(svg)
    assert root.find(f"{SVG}desc") is not None
    assert root.find(".//*[@id='clinic-0-1']") is not None
    assert root.find(".//*[@id='published-0-0']") is not None
    assert svg == ae_rates_chart_svg(
        [
            ("Mild", [RateBar("This clinic", 150.0, 100.0, 210.0), RateBar("Brady 2014", 191.8, published=True)]),
            ("Significant or serious", [RateBar("This clinic", 0.0, 0.0, 12.0),
                                        RateBar("Brady 2014", 0.0, published=True, upper_bound=0.4)]),
        ],
        description="Mild: 150 per 1,000.",
    )


# The SVG backend imports the Agg module (for rasterised parts, which the charts do not have), so
# the probe checks that no Agg renderer is ever made, and that pyplot is never imported.
PROBE = """
import sys
import django
django.setup()
sys.path.insert(0, {tests!r})
from matplotlib.backends import backend_agg
made = []
class Spy(backend_agg.RendererAgg):
    def __init__(self, *args, **kwargs):
        made.append(1)
        super().__init__(*args, **kwargs)
backend_agg.RendererAgg = Spy
from test_progress_chart import NPRS
from needlepoint.reports.charts import progress_chart_svg
progress_chart_svg(NPRS)
print(",".join(sorted(m for m in sys.modules if m.startswith("matplotlib.pyplot")) + ["agg"] * len(made)))
"""


def test_drawing_needs_neither_pyplot_nor_an_agg_renderer() -> None:
    env: dict[str, Any] = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(tests=str(Path(__file__).parent))],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    assert result.stdout.strip() == ""
