"""Body map: front and back SVG body charts whose every body-region code is a
clickable, keyboard-reachable, labelled shape.

Pure (no Django): :func:`render_body_map` / :func:`render_both` return SVG text.
Left and right are always the patient's own: the front chart shows the patient's right
on the viewer's left, the back chart shows the patient's left on the viewer's left, and
every chart says so in print ("R"/"L" corner letters and a caption).
"""

from needlepoint.bodymap.geometry import RegionKey, Side, View
from needlepoint.bodymap.render import (
    MARK_KINDS,
    Mark,
    MarkKind,
    Region,
    chart_height,
    region_label,
    region_shapes,
    regions,
    render_body_map,
    render_both,
)

__all__ = [
    "MARK_KINDS",
    "Mark",
    "MarkKind",
    "Region",
    "RegionKey",
    "Side",
    "View",
    "chart_height",
    "region_label",
    "region_shapes",
    "regions",
    "render_body_map",
    "render_both",
]
