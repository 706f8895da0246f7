"""Charts as SVG text, drawn with matplotlib's object API (no pyplot, no Agg, no global state).

``progress_chart_svg`` draws one measure over an episode: the values by date on the instrument's
whole scale, NPRS before and after treatment told apart, the band of measurement error around the
baseline (baseline ± MDC, or ± MCID when the measure has no MDC) and a dashed line where the change
from baseline reaches the MCID in the direction of improvement. ``ae_rates_chart_svg`` draws the
clinic's adverse-event rates with their confidence intervals next to published rates.

The SVG is deterministic (fixed hash salt, no date, no creator line), keeps its text as text
(``svg.fonttype: none``, DejaVu Sans, which ships with matplotlib), starts at ``<svg`` (no XML
declaration or DOCTYPE, so it can be put inline in HTML or into a ``data:`` URI) and opens with a
``<title>`` and ``<desc>`` that say in words what the chart shows. Every id in the drawing can be
prefixed (``id_prefix``) so that several charts can share one HTML page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from xml.sax.saxutils import escape

import matplotlib
from matplotlib import dates as mdates
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from needlepoint.knowledge.outcomes import load_measures

LOWER_IS_BETTER = "lower is better"
HIGHER_IS_BETTER = "higher is better"
BAND_LABEL = "within measurement error"
MCID_LABEL = "meaningful improvement"
POST_TIMEPOINT = "visit_post"
PRE_TIMEPOINT = "visit_pre"

# The ids set on the parts a reader (and a test) looks for.
GID_BAND = "threshold-band"
GID_MCID = "mcid-line"
GID_POINTS = "points"
GID_POINTS_POST = "points-after-treatment"
GID_TREND = "trend"

INK = "#1c2430"
MUTED = "#5b6675"
TEAL = "#0f5f5c"
BAND = "#c9d6e3"
GOOD = "#2e7d32"
POST = "#b35c00"

RC = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, read by screen readers
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


#: matplotlib's rc_context changes process-wide settings and puts them back on the way out; two
#: threads drawing at once (waitress serves requests on several) could restore each other's
#: settings, so charts are drawn one at a time. A chart takes a few tens of milliseconds.
_DRAWING = threading.Lock()


class Point(Protocol):
    taken_on: dt.date
    timepoint: str
    value: Decimal


class Series(Protocol):
    """What a chart needs of ``outcomes.services.summary.MeasureSeries``."""

    measure_id: str
    label: str
    unit: str
    direction: str
    qualifier: str
    points: Sequence[Any]
    baseline: Any
    latest: Any
    change: Any
    mcid: Decimal | None
    mdc: Decimal | None


# --- numbers and words ------------------------------------------------------------------------


def num(value: Decimal | float | int | None) -> str:
    """7 -> '7', Decimal('2.50') -> '2.5', 0.4 -> '0.4'; '' for None."""
    if value is None:
        return ""
    text = f"{value.normalize():f}" if isinstance(value, Decimal) else f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def with_unit(value: Decimal | float | int | None, unit: str) -> str:
    text = num(value)
    if not unit or not text:
        return text
    return f"{text}{unit}" if unit in ("%", "°") else f"{text} {unit}"


def day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def signed(value: Decimal | float) -> str:
    text = num(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def chart_title(series: Series) -> str:
    return f"{series.label} · {series.qualifier}" if series.qualifier else series.label


def threshold_of(series: Series) -> tuple[Decimal | None, str]:
    """The half-width of the band of measurement error, and what it is (MDC, else MCID)."""
    if series.mdc is not None:
        return series.mdc, "MDC"
    if series.mcid is not None:
        return series.mcid, "MCID"
    return None, ""


def improvement_sign(direction: str) -> int:
    """-1 when a fall is an improvement (pain, disability), +1 when a rise is (range, strength)."""
    return -1 if direction == LOWER_IS_BETTER else 1


def mcid_level(series: Series) -> Decimal | None:
    """Where the change from baseline reaches the MCID, in the direction of improvement."""
    if series.baseline is None or series.mcid is None:
        return None
    return Decimal(series.baseline.value) + improvement_sign(series.direction) * Decimal(series.mcid)


def change_sentence(series: Series) -> str:
    """'Change from baseline -4 points (57% better): meaningful improvement (MCID 2 points).'"""
    change = series.change
    if change is None:
        return "Not enough values yet to judge a change."
    text = f"Change from baseline {signed(change.delta)}"
    if series.unit:
        text += f" {series.unit}"
    if change.percent is not None and round(change.percent):
        text += f" ({abs(round(change.percent))}% {'better' if change.percent > 0 else 'worse'})"
    text += f": {change.label}"
    if change.threshold is not None and change.threshold_kind:
        text += f" ({change.threshold_kind.upper()} {change.threshold.describe(series.unit)})"
    return text + "."


def chart_description(series: Series) -> str:
    """The chart in words (the SVG's ``<desc>``)."""
    points = sorted(series.points, key=lambda p: p.taken_on)
    if not points:
        return f"{chart_title(series)}: no values recorded yet."
    parts = [
        f"{chart_title(series)} ({series.unit}, {series.direction}): {len(points)} "
        f"value{'s' if len(points) != 1 else ''} from {day(points[0].taken_on)} to {day(points[-1].taken_on)}."
    ]
    if series.baseline is not None:
        parts.append(f"Baseline {with_unit(series.baseline.value, series.unit)} on {day(series.baseline.taken_on)}.")
    if series.latest is not None:
        parts.append(f"Latest {with_unit(series.latest.value, series.unit)} on {day(series.latest.taken_on)}.")
    parts.append(change_sentence(series))
    threshold, kind = threshold_of(series)
    if series.baseline is not None and threshold is not None:
        parts.append(
            f"Shaded band: baseline ± {with_unit(threshold, series.unit)} ({kind}), {BAND_LABEL}."
        )
    level = mcid_level(series)
    if level is not None:
        parts.append(
            f"Dashed line at {with_unit(level, series.unit)}: baseline "
            f"{'lowered' if improvement_sign(series.direction) < 0 else 'raised'} by the MCID of "
            f"{with_unit(series.mcid, series.unit)}, {MCID_LABEL}."
        )
    if any(p.timepoint == POST_TIMEPOINT for p in points):
        parts.append("Hollow markers are ratings after treatment; filled markers before treatment or at other times.")
    return " ".join(parts)


# --- SVG text ---------------------------------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'xlink:href="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")


def _salt(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def _finish(svg: str, *, title: str, desc: str, id_prefix: str, root_id: str) -> str:
    """Drop the XML prolog, prefix ids, scope the stylesheet, add role, <title> and <desc>."""
    svg = svg[svg.index("<svg") :]
    if id_prefix:
        svg = _ID.sub(lambda m: f'id="{id_prefix}{m.group(1)}"', svg)
        svg = _HREF.sub(lambda m: f'xlink:href="#{id_prefix}{m.group(1)}"', svg)
        svg = _URL.sub(lambda m: f"url(#{id_prefix}{m.group(1)})", svg)
    root = f"{id_prefix}{root_id}"
    # matplotlib's one rule is "*{...}": inline in a page it would reach every other SVG there.
    svg = svg.replace("<style type=\"text/css\">*{", f'<style type="text/css">#{root} *{{', 1)
    head_end = svg.index(">") + 1
    opening = svg[: head_end - 1].rstrip("/")
    opening += (
        f' id="{root}" role="img" aria-labelledby="{root}-title {root}-desc">'
        f'\n <title id="{root}-title">{escape(title)}</title>'
        f'\n <desc id="{root}-desc">{escape(desc)}</desc>'
    )
    return opening + svg[head_end:]


def _svg_of(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return buffer.getvalue()


def _figure(width_in: float, height_in: float) -> Figure:
    if not (1 <= width_in <= 20 and 1 <= height_in <= 20):
        raise ValueError("width_in and height_in: between 1 and 20 inches")
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasSVG(fig)
    return fig


# --- the progress chart -----------------------------------------------------------------------


def instrument_range(measure_id: str) -> tuple[float, float | None, bool] | None:
    """The measure's scale from knowledge/data/measures.yaml: (low, high, whole scale?).

    Ratings and questionnaires are drawn on their whole scale (NPRS 0-10, NDI 0-50). A physical
    test's range is a limit of plausible values (ROM 0-360°, grip 0-120 kg), not a scale, so its
    axis starts at the floor and fits the values.
    """
    measure = load_measures().get(measure_id)
    if measure is None:
        return None
    return measure.range_min, measure.range_max, measure.kind in ("rating", "questionnaire", "entered-score")


def _y_range(series: Series, y_range: tuple[float, float] | None) -> tuple[float, float]:
    if y_range is not None:
        low, high = y_range
        if not low < high:
            raise ValueError("y_range: the low end must be below the high end")
        return float(low), float(high)
    scale = instrument_range(series.measure_id)
    if scale is not None and scale[1] is not None and scale[2]:
        return scale[0], scale[1]
    values = [float(p.value) for p in series.points]
    threshold, _ = threshold_of(series)
    if series.baseline is not None and threshold is not None:
        values += [float(series.baseline.value) - float(threshold), float(series.baseline.value) + float(threshold)]
    level = mcid_level(series)
    if level is not None:
        values.append(float(level))
    floor = scale[0] if scale is not None else None
    if not values:
        return (floor or 0.0), (floor or 0.0) + 10.0
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    low, high = low - pad, high + pad
    if floor is not None:  # start at the floor (0°, 0 kg/cm², 0 kg)
        low = floor
    if scale is not None and scale[1] is not None:
        high = min(high, scale[1])
    return low, max(high, low + 1.0)


def _date_tick(value: float, _pos: int | None = None) -> str:
    moment = mdates.num2date(value)
    return f"{moment.day} {moment:%b}"


def _x_range(points: Sequence[Point]) -> tuple[dt.date, dt.date]:
    first, last = points[0].taken_on, points[-1].taken_on
    span = max((last - first).days, 1)
    pad = dt.timedelta(days=max(2, round(span * 0.06)))
    return first - pad, last + pad


def progress_chart_svg(
    series: Series,
    *,
    width_in: float = 6.0,
    height_in: float = 2.6,
    title: str | None = None,
    y_range: tuple[float, float] | None = None,
    id_prefix: str = "",
) -> str:
    """One measure over time as an SVG document (see the module docstring).

    ``y_range`` overrides the y axis; by default it is the instrument's whole scale from
    measures.yaml (NPRS 0-10, NDI 0-50), or, for a physical test (range of motion, pressure pain
    threshold, grip), from its floor to a little above the highest value (see
    :func:`instrument_range`). ``id_prefix`` is put before every id in the drawing.
    """
    points = sorted(series.points, key=lambda p: (p.taken_on, p.timepoint == POST_TIMEPOINT))
    heading = title if title is not None else chart_title(series)
    low, high = _y_range(series, y_range)
    salt = _salt(series.measure_id, series.qualifier, [(p.taken_on, p.timepoint, p.value) for p in points], low, high)
    with _DRAWING, matplotlib.rc_context({**RC, "svg.hashsalt": salt}):
        fig = _figure(width_in, height_in)
        ax = fig.add_subplot()
        ax.set_ylim(low, high)
        ax.set_ylabel(f"{series.label} ({series.unit})" if series.unit else series.label)
        ax.set_title(heading, loc="left", fontsize=9, color=INK)
        ax.grid(axis="y", color="#e6eaef", linewidth=0.6)
        ax.set_axisbelow(True)
        handles: list[Any] = []

        threshold, kind = threshold_of(series)
        if series.baseline is not None and threshold is not None:
            base = float(series.baseline.value)
            band = ax.axhspan(
                max(low, base - float(threshold)), min(high, base + float(threshold)),
                facecolor=BAND, edgecolor="none", alpha=0.55, zorder=0,
            )
            band.set_gid(GID_BAND)
            handles.append(Patch(facecolor=BAND, alpha=0.55, label=f"{BAND_LABEL} (±{num(threshold)} {kind})"))
        level = mcid_level(series)
        if level is not None and low <= float(level) <= high:
            line = ax.axhline(float(level), color=GOOD, linestyle=(0, (5, 3)), linewidth=1.2, zorder=1)
            line.set_gid(GID_MCID)
            handles.append(Line2D([], [], color=GOOD, linestyle=(0, (5, 3)), linewidth=1.2, label=MCID_LABEL))

        main = [p for p in points if p.timepoint != POST_TIMEPOINT]
        post = [p for p in points if p.timepoint == POST_TIMEPOINT]
        if main:
            dates = [p.taken_on for p in main]
            values = [float(p.value) for p in main]
            (trend,) = ax.plot(dates, values, color=TEAL, linewidth=1.4, zorder=2)
            trend.set_gid(GID_TREND)
            (marks,) = ax.plot(
                dates, values, linestyle="none", marker="o", markersize=5,
                markerfacecolor=TEAL, markeredgecolor=TEAL, zorder=3,
            )
            marks.set_gid(GID_POINTS)
            label = "before treatment" if post else series.label
            handles.insert(0, Line2D([], [], color=TEAL, marker="o", markersize=5, label=label))
        if post:
            (after,) = ax.plot(
                [p.taken_on for p in post], [float(p.value) for p in post], linestyle="none", marker="o",
                markersize=5, markerfacecolor="white", markeredgecolor=POST, markeredgewidth=1.3, zorder=4,
            )
            after.set_gid(GID_POINTS_POST)
            handles.insert(1, Line2D([], [], linestyle="none", marker="o", markersize=5, markerfacecolor="white",
                                     markeredgecolor=POST, markeredgewidth=1.3, label="after treatment"))
        if points:
            ax.set_xlim(*_x_range(points))
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
            ax.xaxis.set_major_formatter(FuncFormatter(_date_tick))
        else:
            ax.set_xticks([])
            ax.text(0.5, 0.5, "No values recorded yet", transform=ax.transAxes, ha="center", va="center", color=MUTED)
        ax.annotate(series.direction, xy=(1, 1), xycoords="axes fraction", ha="right", va="bottom",
                    fontsize=7, color=MUTED)
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncols=2 if len(handles) > 3 else len(handles),
                       frameon=False, fontsize=7, columnspacing=1.5, handlelength=2.2)
        svg = _svg_of(fig)
    return _finish(svg, title=heading, desc=chart_description(series), id_prefix=id_prefix, root_id="progress-chart")


# --- adverse-event rates against published rates ---------------------------------------------


@dataclass(frozen=True)
class RateBar:
    """One row of the adverse-event chart: the clinic's rate with its interval, or a published one."""

    label: str
    per_1000: float
    low: float | None = None  # the clinic's 95% interval; None for a published rate
    high: float | None = None
    published: bool = False
    upper_bound: float | None = None  # a published upper bound (no events seen)


def ae_rates_chart_svg(
    groups: Sequence[tuple[str, Sequence[RateBar]]],
    *,
    width_in: float = 6.0,
    height_in: float = 3.0,
    title: str = "Adverse events per 1,000 visits",
    description: str = "",
    id_prefix: str = "",
) -> str:
    """Rates per 1,000 on a horizontal axis, one panel per group: the clinic's rate as a dot with its
    95% interval as a bar, published rates as diamonds (a published upper bound as a dotted line
    ending in an arrowhead).

    ``groups``: [("Mild", [RateBar, ...]), ("Significant or serious", [...])], one panel each,
    because mild events are hundreds per 1,000 and serious ones around one.
    """
    if not groups:
        raise ValueError("groups: at least one group of rates")
    salt = _salt(title, [(g, list(rows)) for g, rows in groups])
    with _DRAWING, matplotlib.rc_context({**RC, "svg.hashsalt": salt}):
        fig = _figure(width_in, height_in)
        axes = fig.subplots(1, len(groups), squeeze=False)[0]
        for index, (ax, (group, rows)) in enumerate(zip(axes, groups, strict=True)):
            ax.set_title(group, loc="left", fontsize=8.5, color=INK)
            labels = [r.label for r in rows]
            ys = list(range(len(rows)))[::-1]
            top = 0.0
            for y, row in zip(ys, rows, strict=True):
                if row.published:
                    if row.upper_bound is not None:
                        ax.plot([0, row.upper_bound], [y, y], color=MUTED, linewidth=1, linestyle=":")
                        ax.plot([row.upper_bound], [y], marker=">", color=MUTED, markersize=5)
                        top = max(top, row.upper_bound)
                    (mark,) = ax.plot([row.per_1000], [y], marker="D", color=MUTED, markersize=5, linestyle="none")
                    mark.set_gid(f"published-{index}-{y}")
                else:
                    if row.low is not None and row.high is not None:
                        ax.plot([row.low, row.high], [y, y], color=TEAL, linewidth=3, alpha=0.45,
                                solid_capstyle="butt")
                        top = max(top, row.high)
                    (mark,) = ax.plot([row.per_1000], [y], marker="o", color=TEAL, markersize=6, linestyle="none")
                    mark.set_gid(f"clinic-{index}-{y}")
                top = max(top, row.per_1000)
            ax.set_yticks(ys, labels)
            ax.set_ylim(-0.7, len(rows) - 0.3)
            ax.set_xlim(0, top * 1.15 if top > 0 else 1)
            ax.set_xlabel("per 1,000")
            ax.grid(axis="x", color="#e6eaef", linewidth=0.6)
            ax.set_axisbelow(True)
        svg = _svg_of(fig)
    return _finish(svg, title=title, desc=description or title, id_prefix=id_prefix, root_id="ae-rates-chart")
