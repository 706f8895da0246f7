"""The body chart: every region drawn exactly once, labelled, focusable when interactive,
marks shown, left/right correct, text escaped, output well-formed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from importlib import resources

import pytest
import yaml

from needlepoint.bodymap import Mark, RegionKey, View, region_label, region_shapes, render_body_map, render_both

SVG = "{http://www.w3.org/2000/svg}"
VIEWS: tuple[View, View] = ("front", "back")


def _vocabulary() -> list[dict[str, object]]:
    ref = resources.files("needlepoint") / "knowledge" / "data" / "regions.yaml"
    return list(yaml.safe_load(ref.read_text(encoding="utf-8"))["regions"])


def _expected(view: View) -> set[RegionKey]:
    out: set[RegionKey] = set()
    for r in _vocabulary():
        if r["view"] not in (view, "both"):
            continue
        code = str(r["code"])
        if r["midline"]:
            out.add((code, None))
        else:
            out.update({(code, "left"), (code, "right")})
    return out


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def _shapes(svg: str) -> list[ET.Element]:
    root = _parse(svg)
    return [el for el in root.iter() if el.get("data-region") is not None]


def _key(el: ET.Element) -> RegionKey:
    code = el.get("data-region", "")
    side = el.get("data-side")
    if side == "left":
        return (code, "left")
    if side == "right":
        return (code, "right")
    assert side == ""
    return (code, None)


def _rings(d: str) -> list[list[tuple[float, float]]]:
    out = []
    for sub in re.findall(r"M[^M]*", d):
        nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", sub)]
        out.append(list(zip(nums[::2], nums[1::2], strict=True)))
    return out


def _centroid(d: str) -> tuple[float, float]:
    a = cx = cy = 0.0
    for ring in _rings(d):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x1 * y2 - x2 * y1
            a += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
    return (cx / (3 * a), cy / (3 * a))


def test_vocabulary_has_86_regions() -> None:
    assert len(_vocabulary()) == 86


@pytest.mark.parametrize("view", VIEWS)
def test_every_region_drawn_exactly_once_and_nothing_else(view: View) -> None:
    expected = _expected(view)
    assert set(region_shapes(view)) == expected
    assert len(region_shapes(view)) == len(expected)
    counts = Counter(_key(el) for el in _shapes(render_body_map(view)))
    assert set(counts) == expected
    assert all(n == 1 for n in counts.values()), [k for k, n in counts.items() if n != 1]


def test_both_views_draw_the_both_regions() -> None:
    both = {str(r["code"]) for r in _vocabulary() if r["view"] == "both"}
    for view in VIEWS:
        drawn = {code for code, _ in region_shapes(view)}
        assert both <= drawn


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("interactive", [False, True])
def test_every_shape_is_labelled(view: View, interactive: bool) -> None:
    labels = {str(r["code"]): str(r["label"]) for r in _vocabulary()}
    for el in _shapes(render_body_map(view, interactive=interactive)):
        code, side = _key(el)
        want = labels[code] if side is None else f"{labels[code]}, {side}"
        assert el.get("aria-label") == want
        title = el.find(f"{SVG}title")
        assert title is not None and title.text == want
        assert el.tag in (f"{SVG}path", f"{SVG}polygon")
        assert "bm-region" in (el.get("class") or "").split()
        assert el.get("data-side") in ("left", "right", "")


def test_label_wording() -> None:
    assert region_label("elbow.lateral", "left") == "outer elbow (lateral epicondyle), left"
    assert region_label("head.vertex", None) == "top of the head"


@pytest.mark.parametrize("view", VIEWS)
def test_interactive_shapes_are_focusable_toggle_buttons(view: View) -> None:
    svg = render_body_map(view, interactive=True)
    root = _parse(svg)
    assert root.get("role") == "group"
    for el in _shapes(svg):
        assert el.get("role") == "button"
        assert el.get("tabindex") == "0"
        assert el.get("aria-pressed") == "false"
    assert ":focus-visible" in svg  # a visible focus ring for keyboard users


@pytest.mark.parametrize("view", VIEWS)
def test_static_chart_is_one_image_with_unfocusable_shapes(view: View) -> None:
    svg = render_body_map(view)
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label")
    for el in _shapes(svg):
        assert el.get("role") is None
        assert el.get("tabindex") is None
        assert el.get("aria-pressed") is None


def test_marks_add_classes_and_pressed_state() -> None:
    marks: dict[RegionKey, Mark] = {
        ("elbow.lateral", "left"): Mark("pain", 7),
        ("forearm.volar", "right"): Mark("primary"),
        ("arm.anterior", "right"): Mark("spillover"),
        ("thigh.anterior", "left"): Mark("avoid"),
        ("chest.sternum", None): Mark("site"),
        ("forearm.dorsal", "left"): Mark("pain", 3),  # back only: ignored on the front
    }
    svg = render_body_map("front", marks=marks, interactive=True)
    by_key = {_key(el): el for el in _shapes(svg)}
    expect: dict[RegionKey, set[str]] = {
        ("elbow.lateral", "left"): {"bm-pain", "bm-pain-7", "bm-marked"},
        ("forearm.volar", "right"): {"bm-primary", "bm-marked"},
        ("arm.anterior", "right"): {"bm-spillover", "bm-marked"},
        ("thigh.anterior", "left"): {"bm-avoid", "bm-marked"},
        ("chest.sternum", None): {"bm-site", "bm-marked"},
    }
    for key, classes in expect.items():
        el = by_key[key]
        assert classes <= set((el.get("class") or "").split()), key
        assert el.get("aria-pressed") == "true"
    assert by_key[("elbow.lateral", "left")].get("data-intensity") == "7"
    # patterns, not only hue, for spillover and avoid
    assert "url(#bm-spill)" in (by_key[("arm.anterior", "right")].get("fill") or "")
    assert "url(#bm-avoid)" in (by_key[("thigh.anterior", "left")].get("fill") or "")
    # unmarked shapes stay plain
    plain = by_key[("elbow.lateral", "right")]
    assert (plain.get("class") or "").split() == ["bm-region"]
    assert plain.get("aria-pressed") == "false"
    # pain intensity shades: darker fill for more pain
    fills = [_shapes(render_body_map("front", marks={("knee.anterior", "left"): Mark("pain", n)})) for n in (1, 9)]
    f1, f9 = (next(el.get("fill") for el in s if _key(el) == ("knee.anterior", "left")) for s in fills)
    assert f1 != f9


def test_static_description_lists_marks_of_this_view_only() -> None:
    marks: dict[RegionKey, Mark] = {
        ("elbow.lateral", "left"): Mark("pain", 7),
        ("forearm.dorsal", "left"): Mark("primary"),
    }
    front = _parse(render_body_map("front", marks=marks)).get("aria-label") or ""
    assert "outer elbow (lateral epicondyle), left (7 of 10)" in front
    assert "forearm, back" not in front
    back = _parse(render_body_map("back", marks=marks)).get("aria-label") or ""
    assert "Main referral zone: forearm, back, left" in back
    empty = _parse(render_body_map("front")).get("aria-label") or ""
    assert "No regions marked" in empty


@pytest.mark.parametrize("view", VIEWS)
def test_left_and_right_are_the_patients_own(view: View) -> None:
    paths = {_key(el): el.get("d") or "" for el in _shapes(render_body_map(view))}
    pairs = [(code, s) for code, s in paths if s == "left"]
    assert pairs
    for code, _ in pairs:
        left_x = _centroid(paths[(code, "left")])[0]
        right_x = _centroid(paths[(code, "right")])[0]
        if view == "front":  # patient faces us: their left is on our right
            assert left_x > right_x, code
        else:  # we see their back: their left is on our left
            assert left_x < right_x, code


def test_left_lateral_elbow_position_on_each_chart() -> None:
    cases: list[tuple[View, bool]] = [("front", True), ("back", False)]
    for view, viewer_right in cases:
        svg = render_body_map(view, marks={("elbow.lateral", "left"): Mark("pain", 7)})
        el = next(el for el in _shapes(svg) if _key(el) == ("elbow.lateral", "left"))
        x, _ = _centroid(el.get("d") or "")
        assert (x > 200) is viewer_right


@pytest.mark.parametrize("view", VIEWS)
def test_orientation_is_printed(view: View) -> None:
    svg = render_body_map(view)
    root = _parse(svg)
    texts = {(t.text or "").strip(): t for t in root.iter(f"{SVG}text")}
    assert "Left and right are the patient's own." in texts
    if view == "front":
        assert "Front — patient's right | patient's left" in texts
    else:
        assert "Back — patient's left | patient's right" in texts
    r_x = float(texts["R"].get("x") or 0)
    l_x = float(texts["L"].get("x") or 0)
    assert (r_x < l_x) is (view == "front")
    assert texts["R"].get("data-side") == "right" and texts["L"].get("data-side") == "left"


def test_back_chart_labels_the_sole_insets_on_the_right_sides() -> None:
    root = _parse(render_body_map("back"))
    texts = {(t.text or "").strip(): float(t.get("x") or 0) for t in root.iter(f"{SVG}text")}
    assert texts["left sole"] < 200 < texts["right sole"]
    paths = {_key(el): el.get("d") or "" for el in _shapes(render_body_map("back"))}
    assert _centroid(paths[("heel.plantar", "left")])[0] < 200
    assert _centroid(paths[("foot.big_toe", "left")])[0] > _centroid(paths[("foot.toes", "left")])[0]


def test_text_is_escaped() -> None:
    evil = "<script>alert('x')</script> & \"quotes\""
    for svg in (
        render_body_map("front", title=evil),
        render_body_map("back", title=evil, interactive=True),
        render_both(title=evil, legend=True),
    ):
        assert "<script>" not in svg
        root = _parse(svg)
        title = root.find(f"{SVG}title")
        assert title is not None and evil in (title.text or "")


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("interactive", [False, True])
@pytest.mark.parametrize("legend", [False, True])
def test_output_is_well_formed_xml_with_unique_ids(view: View, interactive: bool, legend: bool) -> None:
    marks: dict[RegionKey, Mark] = {("knee.lateral", "right"): Mark("spillover"), ("head.vertex", None): Mark("site")}
    svg = render_body_map(view, marks=marks, interactive=interactive, legend=legend, id_prefix="chart1")
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("id") == "chart1"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("chart1") for i in ids if i)
    refs = set(re.findall(r"url\(#([^)]+)\)", svg))
    assert refs <= set(ids)


def test_legend_shows_the_kinds_in_use() -> None:
    plain = _parse(render_body_map("front"))
    with_legend = _parse(render_body_map("front", legend=True, marks={("groin", "left"): Mark("primary")}))
    assert plain.find(f".//{SVG}g[@class='bm-legend']") is None
    legend = with_legend.find(f".//{SVG}g[@class='bm-legend']")
    assert legend is not None
    words = " ".join(t.text or "" for t in legend.iter(f"{SVG}text"))
    assert "Main referral zone" in words and "Spillover" not in words
    h_plain = float((plain.get("viewBox") or "").split()[3])
    h_legend = float((with_legend.get("viewBox") or "").split()[3])
    assert h_legend > h_plain
    everything = _parse(render_body_map("back", legend=True))
    words = " ".join(t.text or "" for t in everything.iter(f"{SVG}text"))
    for kind_word in ("Pain", "Main referral zone", "Spillover zone", "Avoid", "Needling site"):
        assert kind_word in words


def test_render_both_is_one_figure_with_both_charts() -> None:
    marks: dict[RegionKey, Mark] = {("elbow.lateral", "left"): Mark("pain", 5)}
    svg = render_both(marks=marks, interactive=True, id_prefix="pd", legend=True)
    root = _parse(svg)
    inner = [el for el in root if el.tag == f"{SVG}svg"]
    assert [el.get("id") for el in inner] == ["pd-front", "pd-back"]
    assert [el.get("data-view") for el in inner] == ["front", "back"]
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    pressed = [el for el in _shapes(svg) if el.get("aria-pressed") == "true"]
    assert sorted(el.get("id") or "" for el in pressed) == ["pd-back-elbow-lateral-left", "pd-front-elbow-lateral-left"]
    assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= set(ids)


@pytest.mark.parametrize(
    "marks",
    [
        {("elbow.nowhere", "left"): Mark("pain")},
        {("elbow.lateral", None): Mark("pain")},
        {("elbow.lateral", "up"): Mark("pain")},
        {("chest.sternum", "left"): Mark("pain")},
    ],
)
def test_bad_marks_are_refused(marks: dict[tuple[str, str | None], Mark]) -> None:
    with pytest.raises(ValueError):
        render_body_map("front", marks=marks)  # type: ignore[arg-type]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        Mark("pain", 11)
    with pytest.raises(ValueError):
        Mark("pain", -1)
    with pytest.raises(ValueError):
        Mark("ache")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        render_body_map("side")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        render_body_map("front", id_prefix='x" onload="alert(1)')
    with pytest.raises(ValueError):
        render_both(id_prefix="1abc")
