"""Render the body chart as SVG text (pure; no Django, no I/O beyond package data).

Orientation (printed on every chart):

* front chart: the patient faces the viewer, so the patient's RIGHT is on the viewer's
  left ("R" in the top-left corner, "L" in the top-right corner);
* back chart: the viewer sees the patient's back, so the patient's LEFT is on the
  viewer's left ("L" top-left, "R" top-right).

Each chart says so in words too ("Front — patient's right | patient's left" and "Left
and right are the patient's own.").  The back chart also carries the two *sole insets*
(see :mod:`needlepoint.bodymap.geometry`).

All text that reaches the output is escaped; the output is well-formed XML that can be
inlined into an HTML page or saved as a standalone ``.svg`` file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from typing import Final, Literal, get_args

import yaml

from needlepoint.bodymap import geometry
from needlepoint.bodymap.geometry import RegionKey, Side, View

MarkKind = Literal["pain", "primary", "spillover", "avoid", "site"]
MARK_KINDS: Final[tuple[MarkKind, ...]] = get_args(MarkKind)

WIDTH: Final = geometry.WIDTH
HEIGHT: Final = geometry.HEIGHT
PAIR_GAP: Final = 24.0

# --- palette -------------------------------------------------------------------------
BASE_FILL: Final = "#f3efe9"
BASE_STROKE: Final = "#a3a9b1"
OUTLINE: Final = "#59616b"
TEXT: Final = "#2b3038"
MUTED: Final = "#5d6570"
#: Pain intensity 0..10: one hue ramp (pale yellow -> dark red) whose lightness falls
#: steadily, so it also reads for colour-blind users and in greyscale.
PAIN_RAMP: Final[tuple[str, ...]] = (
    "#fff5c2",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd9f44",
    "#fd8d3c",
    "#fc6a32",
    "#f03b20",
    "#e31a1c",
    "#bd0026",
    "#800026",
)
PAIN_DEFAULT: Final = "#fd8d3c"  # pain without an intensity
PRIMARY: Final = "#c62828"  # main referral zone: solid
SPILL_BG: Final = "#fbe0da"  # spillover: light red with red hatching
SPILL_LINE: Final = "#c62828"
AVOID_BG: Final = "#d4d4d4"  # avoid: grey with dark-red stripes the other way
AVOID_LINE: Final = "#8e1b2e"
SITE_FILL: Final = "#e3eefb"  # needling site: blue outline
SITE_STROKE: Final = "#1f5fbf"
FOCUS: Final = "#1d4ed8"

KIND_LABELS: Final[dict[MarkKind, str]] = {
    "pain": "Pain",
    "primary": "Main referral zone",
    "spillover": "Spillover zone",
    "avoid": "Avoid (restriction)",
    "site": "Needling site",
}

_ID_RE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Mark:
    """How one region is marked on a chart."""

    kind: MarkKind
    intensity: int | None = None  # 0..10, shades pain marks

    def __post_init__(self) -> None:
        if self.kind not in MARK_KINDS:
            raise ValueError(f"unknown mark kind {self.kind!r}")
        if self.intensity is not None:
            if isinstance(self.intensity, bool) or not isinstance(self.intensity, int):
                raise ValueError("intensity must be an int from 0 to 10")
            if not 0 <= self.intensity <= 10:
                raise ValueError("intensity must be from 0 to 10")


@dataclass(frozen=True)
class Region:
    code: str
    view: Literal["front", "back", "both"]
    midline: bool
    group: str
    label: str

    def on(self, view: View) -> bool:
        return self.view in (view, "both")


Marks = Mapping[RegionKey, Mark]


# --- vocabulary ----------------------------------------------------------------------


@cache
def regions() -> dict[str, Region]:
    """The region vocabulary (``knowledge/data/regions.yaml``), in file order."""
    ref = resources.files("needlepoint") / "knowledge" / "data" / "regions.yaml"
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    out: dict[str, Region] = {}
    for row in data["regions"]:
        view = str(row["view"])
        if view not in ("front", "back", "both"):
            raise ValueError(f"region {row['code']!r}: bad view {view!r}")
        r = Region(
            code=str(row["code"]),
            view=view,  # type: ignore[arg-type]
            midline=bool(row["midline"]),
            group=str(row["group"]),
            label=str(row["label"]),
        )
        out[r.code] = r
    return out


def region_label(code: str, side: Side | None) -> str:
    """``"outer elbow (lateral epicondyle), left"``; midline regions have no side."""
    r = regions()[code]
    return r.label if side is None else f"{r.label}, {side}"


@cache
def _shape_order(view: View) -> tuple[RegionKey, ...]:
    drawn = geometry.region_paths(view)
    order: list[RegionKey] = []
    for code, r in regions().items():
        if not r.on(view):
            continue
        keys: list[RegionKey] = [(code, None)] if r.midline else [(code, "right"), (code, "left")]
        for k in keys:
            if k not in drawn:
                raise RuntimeError(f"body map: no {view} shape for {k}")
            order.append(k)
    extra = set(drawn) - set(order)
    if extra:
        raise RuntimeError(f"body map: shapes not in the vocabulary: {sorted(extra, key=str)}")
    return tuple(order)


def region_shapes(view: View) -> list[RegionKey]:
    """Every (code, side) drawn on a view, in document (and keyboard) order."""
    _check_view(view)
    return list(_shape_order(view))


def _check_view(view: str) -> None:
    if view not in geometry.VIEWS:
        raise ValueError(f"view must be 'front' or 'back', not {view!r}")


def _check_marks(marks: Marks | None) -> dict[RegionKey, Mark]:
    out: dict[RegionKey, Mark] = {}
    if not marks:
        return out
    vocab = regions()
    for key, mark in marks.items():
        code, side = key
        r = vocab.get(code)
        if r is None:
            raise ValueError(f"unknown body region {code!r}")
        if r.midline and side is not None:
            raise ValueError(f"{code!r} is a midline region: its side must be None")
        if not r.midline and side not in ("left", "right"):
            raise ValueError(f"{code!r} needs side 'left' or 'right', not {side!r}")
        if not isinstance(mark, Mark):
            raise TypeError(f"mark for {key} must be a Mark")
        out[(code, side)] = mark
    return out


# --- styling -------------------------------------------------------------------------


def _fill(mark: Mark | None, prefix: str) -> str:
    if mark is None:
        return BASE_FILL
    if mark.kind == "pain":
        return PAIN_DEFAULT if mark.intensity is None else PAIN_RAMP[mark.intensity]
    if mark.kind == "primary":
        return PRIMARY
    if mark.kind == "spillover":
        return f"url(#{prefix}-spill)"
    if mark.kind == "avoid":
        return f"url(#{prefix}-avoid)"
    return SITE_FILL


def _classes(mark: Mark | None) -> str:
    cls = ["bm-region"]
    if mark is not None:
        cls.append("bm-marked")
        cls.append(f"bm-{mark.kind}")
        if mark.intensity is not None:
            cls.append(f"bm-{mark.kind}-{mark.intensity}")
    return " ".join(cls)


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-spill" patternUnits="userSpaceOnUse" width="5" height="5"'
        ' patternTransform="rotate(45)">'
        f'<rect width="5" height="5" fill="{SPILL_BG}"/>'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="{SPILL_LINE}" stroke-width="1.6"/>'
        "</pattern>"
        f'<pattern id="{prefix}-avoid" patternUnits="userSpaceOnUse" width="6" height="6"'
        ' patternTransform="rotate(-45)">'
        f'<rect width="6" height="6" fill="{AVOID_BG}"/>'
        f'<rect width="2.6" height="6" fill="{AVOID_LINE}"/>'
        "</pattern>"
        "</defs>"
    )


def _style(prefix: str) -> str:
    p = f"#{prefix}"
    return (
        "<style>"
        f"{p} .bm-region{{cursor:pointer}}"
        f"{p} .bm-region:hover{{stroke:#1f2937;stroke-width:1.6}}"
        f"{p} .bm-region:focus{{outline:none}}"
        f"{p} .bm-region:focus-visible{{stroke:{FOCUS};stroke-width:2.6;"
        f"outline:2px solid {FOCUS};outline-offset:1px}}"
        f"{p} .bm-region[aria-pressed=true]:hover{{stroke:#111827}}"
        "</style>"
    )


def _attr(v: str) -> str:
    return escape(v, quote=True)


def _fmt(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


# --- text blocks ---------------------------------------------------------------------


def _header(view: View) -> str:
    left, right = ("R", "L") if view == "front" else ("L", "R")
    left_w = "patient's right" if view == "front" else "patient's left"
    right_w = "patient's left" if view == "front" else "patient's right"
    name = "Front" if view == "front" else "Back"
    line1 = f"{name} — {left_w} | {right_w}"
    return (
        '<g class="bm-orientation" aria-hidden="true">'
        f'<text x="14" y="42" font-size="34" font-weight="700" fill="{TEXT}"'
        f' class="bm-side-letter" data-side="{"right" if left == "R" else "left"}">{left}</text>'
        f'<text x="{_fmt(WIDTH - 14)}" y="42" font-size="34" font-weight="700" fill="{TEXT}"'
        f' text-anchor="end" class="bm-side-letter"'
        f' data-side="{"right" if right == "R" else "left"}">{right}</text>'
        f'<text x="{_fmt(WIDTH / 2)}" y="20" font-size="13" font-weight="600" fill="{TEXT}"'
        f' text-anchor="middle" class="bm-view-title">{escape(line1)}</text>'
        f'<text x="{_fmt(WIDTH / 2)}" y="37" font-size="10.5" fill="{MUTED}"'
        ' text-anchor="middle" class="bm-caption">'
        f"{escape('Left and right are the patient' + chr(39) + 's own.')}</text>"
        "</g>"
    )


def _sole_labels(view: View) -> str:
    if view != "back":
        return ""
    y = geometry.SOLE_LABEL_Y
    vl = geometry.viewer_left_side(view)
    vr = "left" if vl == "right" else "right"
    x_left = geometry.CENTER_X - geometry.SOLE_CENTER_DX
    x_right = geometry.CENTER_X + geometry.SOLE_CENTER_DX
    return (
        f'<g class="bm-inset-labels" aria-hidden="true" font-size="9.5" fill="{MUTED}"'
        ' text-anchor="middle">'
        f'<text x="{_fmt(x_left)}" y="{_fmt(y)}">{vl} sole</text>'
        f'<text x="{_fmt(x_right)}" y="{_fmt(y)}">{vr} sole</text>'
        "</g>"
    )


def _legend_kinds(marks: Iterable[Mark]) -> list[MarkKind]:
    present = {m.kind for m in marks}
    kinds = [k for k in MARK_KINDS if k in present]
    return kinds or list(MARK_KINDS)


LEGEND_ROW: Final = 18.0


def legend_height(kinds: Iterable[MarkKind]) -> float:
    n = len(list(kinds))
    return 14.0 + LEGEND_ROW * ((n + 1) // 2) if n else 0.0


def _legend(kinds: list[MarkKind], prefix: str, y0: float, width: float) -> str:
    """Swatches in two columns, below the chart."""
    parts = [f'<g class="bm-legend" font-size="10.5" fill="{TEXT}">']
    parts.append(
        f'<line x1="12" y1="{_fmt(y0 + 2)}" x2="{_fmt(width - 12)}" y2="{_fmt(y0 + 2)}"'
        f' stroke="{BASE_STROKE}" stroke-width="0.6"/>'
    )
    col_w = (width - 24) / 2
    for i, kind in enumerate(kinds):
        x = 14 + (i % 2) * col_w
        y = y0 + 10 + (i // 2) * LEGEND_ROW
        label = KIND_LABELS[kind]
        parts.append(f'<g class="bm-legend-item bm-legend-{kind}">')
        if kind == "pain":
            for n, colour in enumerate(PAIN_RAMP):
                parts.append(f'<rect x="{_fmt(x + n * 5.4)}" y="{_fmt(y)}" width="5.4" height="11" fill="{colour}"/>')
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(11 * 5.4)}" height="11"'
                f' fill="none" stroke="{BASE_STROKE}" stroke-width="0.6"/>'
            )
            label = "Pain, 0 (none) to 10 (worst)"
            tx = x + 11 * 5.4 + 6
        else:
            fill = _fill(Mark(kind), prefix)
            stroke, sw = (SITE_STROKE, "2") if kind == "site" else (BASE_STROKE, "0.6")
            parts.append(
                f'<rect x="{_fmt(x + 1)}" y="{_fmt(y)}" width="24" height="11" rx="1.5"'
                f' fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>'
            )
            tx = x + 31
        parts.append(f'<text x="{_fmt(tx)}" y="{_fmt(y + 9)}">{escape(label)}</text></g>')
    parts.append("</g>")
    return "".join(parts)


def _describe(view: View, marks: Mapping[RegionKey, Mark], title: str | None) -> str:
    name = "front" if view == "front" else "back"
    where = "on the left" if view == "front" else "on the right"
    head = f"{title}. " if title else ""
    text = f"{head}Body chart, {name} view; the patient's right side is {where} of the chart."
    shown = [(k, m) for k, m in marks.items() if regions()[k[0]].on(view)]
    if not shown:
        return text + " No regions marked."
    order = {k: i for i, k in enumerate(_shape_order(view))}
    shown.sort(key=lambda km: order.get(km[0], 0))
    chunks = []
    for kind in MARK_KINDS:
        items = []
        for (code, side), m in shown:
            if m.kind != kind:
                continue
            label = region_label(code, side)
            if m.intensity is not None:
                label += f" ({m.intensity} of 10)"
            items.append(label)
        if items:
            chunks.append(f"{KIND_LABELS[kind]}: " + "; ".join(items) + ".")
    return text + " " + " ".join(chunks)


# --- public API ----------------------------------------------------------------------


def chart_height(*, legend: bool = False, marks: Marks | None = None) -> float:
    """Height of the viewBox of a chart rendered with these options."""
    checked = _check_marks(marks)
    return HEIGHT + (legend_height(_legend_kinds(checked.values())) if legend else 0.0)


def render_body_map(
    view: View,
    *,
    marks: Marks | None = None,
    interactive: bool = False,
    title: str | None = None,
    id_prefix: str = "bm",
    legend: bool = False,
) -> str:
    """One body chart as an ``<svg>`` string.

    ``marks`` maps ``(code, side)`` (side ``None`` for midline regions) to a :class:`Mark`;
    marks of regions not drawn on this view are ignored (so one mapping can be passed to
    both views).  ``interactive`` makes every region a focusable toggle button
    (``role="button"``, ``tabindex="0"``, ``aria-pressed`` = marked); otherwise the chart
    is one image (``role="img"``) whose accessible name lists what is marked.
    ``title`` is the chart's accessible title (not drawn).  ``id_prefix`` is the ``id``
    of the ``<svg>`` and prefixes every other id in it; use different prefixes for charts
    on the same page.  ``legend`` adds a key of the mark kinds used (all kinds if none).
    """
    _check_view(view)
    if not _ID_RE.match(id_prefix):
        raise ValueError("id_prefix must start with a letter and hold only A-Z a-z 0-9 _ -")
    checked = _check_marks(marks)
    paths = geometry.region_paths(view)
    kinds = _legend_kinds(checked.values())
    height = HEIGHT + (legend_height(kinds) if legend else 0.0)
    described = _describe(view, checked, title)
    cls = f"bm bm-{view}" + (" bm-interactive" if interactive else "")
    root_role = "group" if interactive else "img"
    accessible = (
        described
        if not interactive
        else f"{title + '. ' if title else ''}Body chart, {view} view"
        + (
            "; the patient's right side is on the left of the chart"
            if view == "front"
            else "; the patient's right side is on the right of the chart"
        )
    )
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{id_prefix}" class="{cls}"'
        f' viewBox="0 0 {_fmt(WIDTH)} {_fmt(height)}" role="{root_role}"'
        f' aria-label="{_attr(accessible)}" font-family="{_attr(_FONT)}"'
        f' data-view="{view}">',
        f'<title id="{id_prefix}-title">{escape(title or described)}</title>',
        _defs(id_prefix),
    ]
    if interactive:
        out.append(_style(id_prefix))
    out.append(_header(view))
    out.append(
        f'<g class="bm-regions" fill="{BASE_FILL}" stroke="{BASE_STROKE}" stroke-width="0.6" stroke-linejoin="round">'
    )
    sites: list[str] = []
    for key in _shape_order(view):
        code, side = key
        mark = checked.get(key)
        label = escape(region_label(code, side), quote=True)
        attrs = [
            f'id="{id_prefix}-{code.replace(".", "-")}-{side or "mid"}"',
            f'class="{_classes(mark)}"',
            f'data-region="{code}"',
            f'data-side="{side or ""}"',
        ]
        if mark is not None:
            attrs.append(f'data-mark="{mark.kind}"')
            if mark.intensity is not None:
                attrs.append(f'data-intensity="{mark.intensity}"')
            attrs.append(f'fill="{_fill(mark, id_prefix)}"')
        if interactive:
            attrs.append('role="button" tabindex="0"')
            attrs.append(f'aria-pressed="{"true" if mark is not None else "false"}"')
        attrs.append(f'aria-label="{label}"')
        attrs.append(f'd="{paths[key]}"')
        out.append(f"<path {' '.join(attrs)}><title>{label}</title></path>")
        if mark is not None and mark.kind == "site":
            sites.append(paths[key])
    out.append("</g>")
    out.append(
        f'<path class="bm-outline" d="{geometry.outline_path(view)}" fill="none"'
        f' stroke="{OUTLINE}" stroke-width="1.3" stroke-linejoin="round"'
        ' pointer-events="none" aria-hidden="true"/>'
    )
    if sites:
        out.append(
            f'<g class="bm-site-rings" fill="none" stroke="{SITE_STROKE}" stroke-width="2.2"'
            ' stroke-linejoin="round" pointer-events="none" aria-hidden="true">'
            + "".join(f'<path d="{d}"/>' for d in sites)
            + "</g>"
        )
    out.append(_sole_labels(view))
    if legend:
        out.append(_legend(kinds, id_prefix, HEIGHT, WIDTH))
    out.append("</svg>")
    return "".join(out)


def render_both(
    *,
    marks: Marks | None = None,
    interactive: bool = False,
    title: str | None = None,
    id_prefix: str = "bm",
    legend: bool = False,
) -> str:
    """Front and back side by side in ONE ``<svg>`` figure.

    The figure (``id=id_prefix``) holds the two charts as nested ``<svg>`` elements with
    ids ``{id_prefix}-front`` and ``{id_prefix}-back`` (each exactly as
    :func:`render_body_map` draws it, without its own legend) and, if ``legend``, one
    shared key below both.  ``marks`` is shared: each chart shows the marks of the
    regions drawn on it.
    """
    if not _ID_RE.match(id_prefix):
        raise ValueError("id_prefix must start with a letter and hold only A-Z a-z 0-9 _ -")
    checked = _check_marks(marks)
    kinds = _legend_kinds(checked.values())
    total_w = 2 * WIDTH + PAIR_GAP
    height = HEIGHT + (legend_height(kinds) if legend else 0.0)
    name = f"{title}. " if title else ""
    label = f"{name}Body charts, front and back views"
    role = "group" if interactive else "img"
    if not interactive:
        label = f"{name}" + _describe("front", checked, None) + " " + _describe("back", checked, None)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{id_prefix}" class="bm-pair"'
        f' viewBox="0 0 {_fmt(total_w)} {_fmt(height)}" role="{role}"'
        f' aria-label="{_attr(label)}" font-family="{_attr(_FONT)}">',
        f"<title>{escape(title or label)}</title>",
    ]
    for i, view in enumerate(geometry.VIEWS):
        inner = render_body_map(
            view,
            marks=checked,
            interactive=interactive,
            title=title,
            id_prefix=f"{id_prefix}-{view}",
        )
        x = i * (WIDTH + PAIR_GAP)
        inner = inner.replace(
            "<svg ",
            f'<svg x="{_fmt(x)}" y="0" width="{_fmt(WIDTH)}" height="{_fmt(HEIGHT)}" ',
            1,
        )
        out.append(inner)
    if legend:
        out.append(_defs(id_prefix))
        out.append(_legend(kinds, id_prefix, HEIGHT, total_w))
    out.append("</svg>")
    return "".join(out)
