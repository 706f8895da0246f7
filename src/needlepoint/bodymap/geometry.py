"""Body-chart geometry: the region shapes of the front and back charts, as data.

Everything here is pure Python and is computed once, at first use, from a small
parametric model of a neutral standing figure in the anatomical position (arms a
little away from the body, palms facing forwards).  The model is authored for one
half of the body only, in *half coordinates* ``(dx, y)``: ``dx`` is the distance from
the body's midline (positive = away from the midline), ``y`` grows downwards, in the
units of the chart's viewBox (``0 0 WIDTH HEIGHT``; the midline is at ``x = CENTER_X``).
The half is then placed on the viewer's left (``x = CENTER_X - dx``) and mirrored onto
the viewer's right (``x = CENTER_X + dx``).

Which side of the *patient* the viewer's left is depends on the view:

* ``front``: the patient faces the viewer, so the viewer's left is the patient's RIGHT;
* ``back``:  the viewer looks at the patient's back, so the viewer's left is the
  patient's LEFT.

Each body part (head, neck, trunk, arm, hand, leg, foot) is a *Coons patch*: a map
from a unit square ``(u, t)`` onto the part, bounded by four curves (``u = 0`` is the
edge nearer the midline, or the inner edge of a limb; ``t = 0`` its upper end).  A
region is a polygon in that square; neighbouring regions share edges there, so the
regions tile the part without gaps or overlaps, and neighbouring parts share their
bounding curves.  Midline regions are authored as a half (an open chain from a point
on the midline round to another point on the midline) and closed by their mirror.

Sole view (back chart only): the soles cannot be seen on a chart of a standing
patient, so the back chart carries a small *sole inset* beside each lower leg, on the
same side as that foot: the sole as seen from behind when the patient bends the knee
and lifts the foot (heel at the top, toes at the bottom, big toe towards the body's
midline).  ``heel.plantar``, ``foot.arch``, ``foot.ball``, ``foot.lateral`` and the toes
of the back chart are drawn there; the back of the heel (``heel.posterior``) is drawn
under the leg.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Final, Literal

View = Literal["front", "back"]
Side = Literal["left", "right"]
RegionKey = tuple[str, Side | None]
Pt = tuple[float, float]
UT = tuple[float, float]
EdgeFn = Callable[[float], Pt]

WIDTH: Final = 400.0
HEIGHT: Final = 880.0
CENTER_X: Final = 200.0
VIEWS: Final[tuple[View, View]] = ("front", "back")

# Densification step (viewBox units) for mapped edges and simplification tolerance.
_STEP: Final = 2.0
_TOLERANCE: Final = 0.12


# --------------------------------------------------------------------------------------
# Curves
# --------------------------------------------------------------------------------------


def smooth(ctrl: Sequence[Pt], per_unit: float = 0.5) -> list[Pt]:
    """A centripetal Catmull-Rom curve through ``ctrl`` (open), sampled densely."""
    pts = [(float(x), float(y)) for x, y in ctrl]
    if len(pts) < 3:
        return pts
    ext = [_reflect(pts[1], pts[0]), *pts, _reflect(pts[-2], pts[-1])]
    out: list[Pt] = [pts[0]]
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        n = max(2, math.ceil(_dist(p1, p2) * per_unit))
        for k in range(1, n):
            out.append(_catmull(p0, p1, p2, p3, k / n))
        out.append(p2)
    return out


def _reflect(a: Pt, about: Pt) -> Pt:
    return (2 * about[0] - a[0], 2 * about[1] - a[1])


def _dist(a: Pt, b: Pt) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def _catmull(p0: Pt, p1: Pt, p2: Pt, p3: Pt, s: float) -> Pt:
    def knot(t: float, a: Pt, b: Pt) -> float:
        return t + math.sqrt(max(_dist(a, b), 1e-6))

    t0 = 0.0
    t1 = knot(t0, p0, p1)
    t2 = knot(t1, p1, p2)
    t3 = knot(t2, p2, p3)
    t = t1 + (t2 - t1) * s

    def lerp(a: Pt, b: Pt, ta: float, tb: float) -> Pt:
        w = (t - ta) / (tb - ta)
        return (a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w)

    a1 = lerp(p0, p1, t0, t1)
    a2 = lerp(p1, p2, t1, t2)
    a3 = lerp(p2, p3, t2, t3)
    b1 = lerp(a1, a2, t0, t2)
    b2 = lerp(a2, a3, t1, t3)
    return lerp(b1, b2, t1, t2)


class Curve:
    """A polyline parameterised by normalised arc length (or by ``y``, if monotonic)."""

    def __init__(self, pts: Iterable[Pt]) -> None:
        clean: list[Pt] = []
        for p in pts:
            if not clean or _dist(clean[-1], p) > 1e-9:
                clean.append((float(p[0]), float(p[1])))
        if len(clean) < 2:
            raise ValueError("a curve needs two distinct points")
        self.pts = clean
        self.cum = [0.0]
        for a, b in itertools.pairwise(clean):
            self.cum.append(self.cum[-1] + _dist(a, b))
        self.length = self.cum[-1]

    @classmethod
    def through(cls, ctrl: Sequence[Pt]) -> Curve:
        return cls(smooth(ctrl))

    @classmethod
    def join(cls, *parts: Curve) -> Curve:
        pts: list[Pt] = []
        for c in parts:
            pts.extend(c.pts)
        return cls(pts)

    @property
    def start(self) -> Pt:
        return self.pts[0]

    @property
    def end(self) -> Pt:
        return self.pts[-1]

    def reversed(self) -> Curve:
        return Curve(self.pts[::-1])

    def at(self, f: float) -> Pt:
        s = min(max(f, 0.0), 1.0) * self.length
        lo, hi = 0, len(self.cum) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.cum[mid] <= s:
                lo = mid
            else:
                hi = mid
        seg = self.cum[hi] - self.cum[lo]
        w = 0.0 if seg == 0 else (s - self.cum[lo]) / seg
        a, b = self.pts[lo], self.pts[hi]
        return (a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w)

    def fraction_at_y(self, y: float) -> float:
        """Arc fraction of the first point at height ``y`` (curve monotonic in y)."""
        pts = self.pts
        down = pts[-1][1] >= pts[0][1]
        for i in range(len(pts) - 1):
            y0, y1 = pts[i][1], pts[i + 1][1]
            if (down and y0 <= y <= y1) or (not down and y1 <= y <= y0):
                w = 0.0 if y1 == y0 else (y - y0) / (y1 - y0)
                return (self.cum[i] + w * (self.cum[i + 1] - self.cum[i])) / self.length
        return 0.0 if (y < pts[0][1]) == down else 1.0

    def at_y(self, y: float) -> Pt:
        return self.at(self.fraction_at_y(y))

    def nearest_fraction(self, p: Pt) -> float:
        """Arc fraction of the vertex nearest to ``p``."""
        best = min(range(len(self.pts)), key=lambda i: _dist(self.pts[i], p))
        return self.cum[best] / self.length

    def between(self, f0: float, f1: float) -> list[Pt]:
        """The points of the curve from fraction ``f0`` to ``f1`` (either direction)."""
        lo, hi = min(f0, f1), max(f0, f1)
        inner = [p for p, c in zip(self.pts, self.cum, strict=True) if lo < c / self.length < hi]
        out = [self.at(lo), *inner, self.at(hi)]
        return out if f0 <= f1 else out[::-1]


def arc(c: Curve) -> EdgeFn:
    """Edge parameterised by normalised arc length."""
    return c.at


def by_y(c: Curve, knots: Sequence[tuple[float, float]]) -> EdgeFn:
    """Edge parameterised by height: ``t`` maps piecewise-linearly onto ``y`` via knots."""
    ts = [k[0] for k in knots]
    ys = [k[1] for k in knots]

    def edge(t: float) -> Pt:
        return c.at_y(_piecewise(ts, ys, t))

    return edge


def line(a: Pt, b: Pt) -> EdgeFn:
    def edge(t: float) -> Pt:
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    return edge


def point(p: Pt) -> EdgeFn:
    def edge(_t: float) -> Pt:
        return p

    return edge


def _piecewise(xs: Sequence[float], ys: Sequence[float], x: float) -> float:
    if x <= xs[0]:
        return ys[0]
    for i in range(len(xs) - 1):
        if x <= xs[i + 1]:
            w = (x - xs[i]) / (xs[i + 1] - xs[i])
            return ys[i] + (ys[i + 1] - ys[i]) * w
    return ys[-1]


# --------------------------------------------------------------------------------------
# Patches
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patch:
    """Coons patch: ``left(t)``/``right(t)`` are the u=0/u=1 edges, ``top(u)``/``bottom(u)``
    the t=0/t=1 edges; the corners must agree."""

    left: EdgeFn
    right: EdgeFn
    top: EdgeFn
    bottom: EdgeFn

    def __call__(self, u: float, t: float) -> Pt:
        lt, rt = self.left(t), self.right(t)
        tu, bu = self.top(u), self.bottom(u)
        p00, p10 = self.left(0.0), self.right(0.0)
        p01, p11 = self.left(1.0), self.right(1.0)
        x = (
            (1 - u) * lt[0]
            + u * rt[0]
            + (1 - t) * tu[0]
            + t * bu[0]
            - ((1 - u) * (1 - t) * p00[0] + u * (1 - t) * p10[0])
            - ((1 - u) * t * p01[0] + u * t * p11[0])
        )
        y = (
            (1 - u) * lt[1]
            + u * rt[1]
            + (1 - t) * tu[1]
            + t * bu[1]
            - ((1 - u) * (1 - t) * p00[1] + u * (1 - t) * p10[1])
            - ((1 - u) * t * p01[1] + u * t * p11[1])
        )
        return (x, y)

    def chain(self, poly: Sequence[UT], closed: bool = False) -> list[Pt]:
        """Map a polygon of the unit square, following each edge densely."""
        pts: list[Pt] = []
        n = len(poly)
        last = n if closed else n - 1
        for i in range(last):
            a, b = poly[i], poly[(i + 1) % n]
            pa, pb = self(*a), self(*b)
            mid = self((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            est = _dist(pa, mid) + _dist(mid, pb)
            steps = max(1, math.ceil(est / _STEP))
            for k in range(steps):
                w = k / steps
                pts.append(self(a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w))
        if not closed:
            pts.append(self(*poly[-1]))
        return pts

    def ring(self, poly: Sequence[UT]) -> list[Pt]:
        return self.chain(poly, closed=True)

    def invert(self, p: Pt, guess: UT = (0.5, 0.5)) -> UT:
        """The (u, t) that maps onto ``p`` (Newton's method; ``p`` inside the patch)."""
        u, t = guess
        h = 1e-5
        for _ in range(40):
            x, y = self(u, t)
            ex, ey = x - p[0], y - p[1]
            if abs(ex) < 1e-7 and abs(ey) < 1e-7:
                break
            xu, yu = self(u + h, t)
            xt, yt = self(u, t + h)
            a, c = (xu - x) / h, (yu - y) / h
            b, d = (xt - x) / h, (yt - y) / h
            det = a * d - b * c
            u -= (d * ex - b * ey) / det
            t -= (a * ey - c * ex) / det
        return (round(u, 9), round(t, 9))


def _angles(a0: float, a1: float, n: int) -> list[float]:
    return [math.radians(a0 + (a1 - a0) * k / n) for k in range(n + 1)]


def rect(u0: float, u1: float, t0: float, t1: float) -> list[UT]:
    return [(u0, t0), (u1, t0), (u1, t1), (u0, t1)]


def ellipse(cu: float, ct: float, ru: float, rt: float, a0: float, a1: float, n: int) -> list[UT]:
    """Points of an ellipse in (u, t) from angle a0 to a1 (degrees; 0 = +u, 90 = +t)."""
    out: list[UT] = []
    for k in range(n + 1):
        a = math.radians(a0 + (a1 - a0) * k / n)
        out.append((round(cu + ru * math.cos(a), 9), round(ct + rt * math.sin(a), 9)))
    return out


# --------------------------------------------------------------------------------------
# Local frames (hand, sole)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """Local coordinates ``(s, l)``: ``l`` along ``axis_deg`` (0 = straight down, positive
    turns the axis away from the midline), ``s`` across (positive = away from midline)."""

    origin: Pt
    axis_deg: float

    def __call__(self, s: float, along: float) -> Pt:
        a = math.radians(self.axis_deg)
        dx, dy = math.sin(a), math.cos(a)  # along
        px, py = math.cos(a), -math.sin(a)  # across, outwards
        return (self.origin[0] + along * dx + s * px, self.origin[1] + along * dy + s * py)

    def curve(self, ctrl: Sequence[Pt]) -> Curve:
        return Curve(self(s, along) for s, along in smooth(ctrl))


# --------------------------------------------------------------------------------------
# The figure (half coordinates, dx >= 0 away from the midline)
# --------------------------------------------------------------------------------------

HEAD_TOP: Final = 60.0
CHIN_Y: Final = 161.0
CROTCH: Final[Pt] = (0.0, 468.0)
ANKLE_Y: Final = 818.0
SOLE_CENTER_DX: Final = 118.0  # sole insets (back chart), centre line
SOLE_TOP: Final = 742.0
SOLE_LABEL_Y: Final = 861.0  # baseline of the "left sole" / "right sole" captions


@dataclass(frozen=True)
class Body:
    """Curves and patches shared by both views (half coordinates)."""

    head: Curve
    head_patch: Patch
    ear: list[Pt]
    ear_outer: list[Pt]
    ear_span: tuple[float, float]
    neck_attach: float
    neck_side: Curve
    neck_patch: Patch
    shoulder_top: Curve
    trapezius: Curve
    seam: Curve
    side: Curve
    inner_leg: Curve
    arm_in: Curve
    arm_out: Curve
    arm_patch: Patch
    palm_in: Curve
    palm_out: Curve
    palm_patch: Patch
    thumb_span: tuple[float, float]
    thumb: list[Pt]
    thumb_outer: list[Pt]
    fingers: dict[str, list[Pt]]  # closed rings
    finger_outer: dict[str, list[Pt]]  # the free edge, ulnar base -> tip -> radial base


@cache
def body() -> Body:
    # Head (egg), from the top of the head round the side to the chin.
    head = Curve.through(
        [
            (0, HEAD_TOP),
            (14, 61.6),
            (25, 66.5),
            (32, 75.5),
            (35.3, 88),
            (36, 100),
            (35.2, 112),
            (33.4, 124),
            (30.2, 135),
            (25.2, 145.5),
            (18.5, 154),
            (9.5, 159.6),
            (0, CHIN_Y),
        ]
    )
    head_patch = Patch(
        left=line((0, HEAD_TOP), (0, CHIN_Y)),
        right=by_y(head, [(0.0, HEAD_TOP), (1.0, CHIN_Y)]),
        top=point((0, HEAD_TOP)),
        bottom=point((0, CHIN_Y)),
    )

    # Ear: outside the head outline between y 99 and 133.
    ear_span = (head.fraction_at_y(99), head.fraction_at_y(133))
    ear_in = Curve(head.between(*ear_span))
    a, b = ear_in.start, ear_in.end
    ear_out = Curve.through(
        [
            a,
            (a[0] + 4.2, 96.8),
            (a[0] + 7.6, 101),
            (a[0] + 8.4, 111),
            (a[0] + 6.8, 122.5),
            (b[0] + 3.6, 131.2),
            b,
        ]
    )
    ear = [*ear_out.pts, *ear_in.pts[::-1][1:-1]]

    # Neck: from under the jaw to the base of the neck.
    neck_attach = head.fraction_at_y(149.5)
    neck_top = Curve(head.between(1.0, neck_attach))  # chin -> attach
    attach = neck_top.end
    neck_side = Curve.through([attach, (attach[0] + 0.6, 160), (23.6, 171), (27.5, 181.5)])
    neck_base = Curve.through([(0, 188), (13, 186.6), (27.5, 181.5)])
    neck_patch = Patch(
        left=line((0, CHIN_Y), (0, 188)),
        right=arc(neck_side),
        top=arc(neck_top),
        bottom=arc(neck_base),
    )

    # Shoulder line, arm seam (acromion -> armpit) and the side of trunk and leg.
    acromion: Pt = (82, 199)
    axilla: Pt = (65, 246)
    trapezius = Curve.through([(27.5, 181.5), (40, 185.5), (56, 190.5), (70, 194.5), acromion])
    shoulder_top = Curve.join(neck_base, trapezius)
    seam = Curve.through([acromion, (79.5, 213), (73.5, 230), axilla])
    side = Curve.through(
        [
            axilla,
            (63.2, 270),
            (59.5, 300),
            (56.3, 330),
            (57.8, 360),
            (63.5, 390),
            (70.5, 418),
            (74.6, 445),
            (75.3, 470),
            (73.5, 505),
            (68.5, 550),
            (62.5, 595),
            (58.8, 625),
            (58.2, 645),
            (60.6, 675),
            (58.4, 715),
            (51.5, 760),
            (47.0, 795),
            (45.6, ANKLE_Y),
        ]
    )
    inner_leg = Curve.through(
        [
            CROTCH,
            (3.8, 485),
            (7.6, 510),
            (11.6, 560),
            (15.4, 612),
            (16.2, 640),
            (14.2, 665),
            (12.4, 692),
            (14.8, 740),
            (18.4, 790),
            (20.4, ANKLE_Y),
        ]
    )

    # Arm; the hand continues the forearm's axis.
    hand = Frame((124.5, 442.0), 16.0)
    wrist_in, wrist_out = hand(-12.4, 0), hand(12.4, 0)
    arm_in = Curve.through(
        [axilla, (67.8, 275), (71.8, 305), (76.6, 333), (81.5, 352), (91, 382), (101.5, 413), wrist_in]
    )
    arm_out = Curve.through(
        [
            acromion,
            (95, 204.5),
            (103.2, 217),
            (106.4, 236),
            (107.3, 262),
            (108.4, 292),
            (110.6, 320),
            (114, 340),
            (116.6, 353),
            (123, 381),
            (130, 411),
            wrist_out,
        ]
    )
    knots_in = [(0.0, axilla[1]), (0.2, 282.0), (0.45, 338.0), (0.57, 364.0), (1.0, wrist_in[1])]
    knots_out = [(0.0, acromion[1]), (0.2, 268.0), (0.45, 336.0), (0.57, 362.0), (1.0, wrist_out[1])]
    arm_patch = Patch(
        left=by_y(arm_in, knots_in),
        right=by_y(arm_out, knots_out),
        top=arc(seam.reversed()),
        bottom=line(wrist_in, wrist_out),
    )

    # Hand, in its local frame (s > 0 = thumb side = away from the body).
    palm_in = hand.curve([(-12.4, 0), (-14.6, 12), (-16.2, 28), (-16.4, 44)])
    thumb_lo: Pt = (14.8, 7.0)
    thumb_hi: Pt = (17.6, 25.0)
    palm_out = hand.curve([(12.4, 0), thumb_lo, (17.2, 16), thumb_hi, (17.0, 35), (16.0, 44.5)])
    knuckle_local = Curve(smooth([(-16.4, 44), (-8.2, 46.2), (0, 47.0), (8.0, 46.4), (16.0, 44.5)]))
    knuckles = Curve(hand(*p) for p in knuckle_local.pts)
    palm_patch = Patch(left=arc(palm_in), right=arc(palm_out), top=line(wrist_in, wrist_out), bottom=arc(knuckles))
    span = (palm_out.nearest_fraction(hand(*thumb_lo)), palm_out.nearest_fraction(hand(*thumb_hi)))
    thumb_outer = hand.curve(
        [
            thumb_lo,
            (20.4, 12.0),
            (24.6, 20.0),
            (27.6, 30.0),
            (29.2, 40.0),
            (28.6, 47.6),
            (25.6, 51.6),
            (22.4, 50.0),
            (21.0, 45.0),
            (20.0, 37.0),
            (18.6, 30.0),
            thumb_hi,
        ]
    ).pts
    thumb = [*palm_out.between(*span), *thumb_outer[::-1][1:-1]]

    fingers: dict[str, list[Pt]] = {}
    finger_outer: dict[str, list[Pt]] = {}
    spec = [
        ("hand.little", 0.0, 0.25, 24.0, -7.0),
        ("hand.ring", 0.25, 0.5, 30.5, -2.5),
        ("hand.middle", 0.5, 0.75, 33.0, 0.5),
        ("hand.index", 0.75, 1.0, 29.0, 4.0),
    ]
    for code, f0, f1, length, spread in spec:
        base_local = knuckle_local.between(f0, f1)
        outer = _finger(base_local[0], base_local[-1], length, spread)
        outer_g = [hand(*p) for p in outer]
        base_g = [hand(*p) for p in base_local]
        finger_outer[code] = outer_g
        fingers[code] = [*outer_g, *base_g[::-1][1:-1]]

    return Body(
        head=head,
        head_patch=head_patch,
        ear=ear,
        ear_outer=ear_out.pts,
        ear_span=ear_span,
        neck_attach=neck_attach,
        neck_side=neck_side,
        neck_patch=neck_patch,
        shoulder_top=shoulder_top,
        trapezius=trapezius,
        seam=seam,
        side=side,
        inner_leg=inner_leg,
        arm_in=arm_in,
        arm_out=arm_out,
        arm_patch=arm_patch,
        palm_in=palm_in,
        palm_out=palm_out,
        palm_patch=palm_patch,
        thumb_span=span,
        thumb=thumb,
        thumb_outer=thumb_outer,
        fingers=fingers,
        finger_outer=finger_outer,
    )


def _finger(base_a: Pt, base_b: Pt, length: float, spread_deg: float) -> list[Pt]:
    """Free edge of a finger standing on the knuckle segment base_a (ulnar corner) ->
    base_b (radial corner), in local hand coordinates: base_a -> tip -> base_b."""
    cs = (base_a[0] + base_b[0]) / 2
    cl = (base_a[1] + base_b[1]) / 2
    w = _dist(base_a, base_b) / 2
    sp = math.radians(spread_deg)
    ax, al = math.sin(sp), math.cos(sp)  # finger axis in (s, l)
    px, pl = al, -ax  # across, towards the radial side

    def f(x: float, y: float) -> Pt:  # x across (+ radial), y along the finger
        return (cs + y * ax + x * px, cl + y * al + x * pl)

    tw = w * 0.84
    ctrl = [
        (-w * 0.98, 1.0),
        (-w * 0.95, length * 0.4),
        (-tw, length * 0.8),
        (-tw * 0.6, length * 0.97),
        (0, length),
        (tw * 0.6, length * 0.97),
        (tw, length * 0.8),
        (w * 0.95, length * 0.4),
        (w * 0.98, 1.0),
    ]
    return [base_a, *(f(x, y) for x, y in smooth(ctrl)), base_b]


# --------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------


def _trunk_patch(b: Body, view: View) -> tuple[Patch, Curve]:
    right = Curve.join(b.seam, b.side)
    low = 445.0 if view == "front" else 478.0
    end = b.side.at_y(low)
    if view == "front":  # inguinal fold, crotch -> outer hip
        bottom = Curve.through([CROTCH, (30, 461), (56, 451.5), end])
    else:  # gluteal fold
        bottom = Curve.through([CROTCH, (14, 482), (36, 489), (58, 487.5), end])
    patch = Patch(
        left=by_y(Curve([(0, 188), CROTCH]), [(0.0, 188.0), (0.2, 246.0), (1.0, CROTCH[1])]),
        right=by_y(right, [(0.0, 199.0), (0.2, 246.0), (1.0, low)]),
        top=arc(b.shoulder_top),
        bottom=arc(bottom),
    )
    return patch, bottom


def _leg_patch(b: Body, view: View, top: Curve) -> Patch:
    low = top.end[1]
    knots_in = [(0.0, CROTCH[1]), (0.45, 620.0), (0.56, 655.0), (0.92, 797.0), (1.0, ANKLE_Y)]
    if view == "front":
        knots_out = [(0.0, low), (0.12, 490.0), (0.45, 620.0), (0.56, 655.0), (0.92, 797.0), (1.0, ANKLE_Y)]
    else:
        knots_out = [(0.0, low), (0.45, 620.0), (0.56, 655.0), (0.92, 797.0), (1.0, ANKLE_Y)]
    return Patch(
        left=by_y(b.inner_leg, knots_in),
        right=by_y(b.side, knots_out),
        top=arc(top),
        bottom=line(b.inner_leg.end, b.side.end),
    )


@dataclass(frozen=True)
class Drawing:
    """One view in half coordinates."""

    lateral: dict[str, list[Pt]]  # closed rings, drawn on both sides
    midline: dict[str, list[Pt]]  # open chains midline -> midline, closed by the mirror
    outline: list[Pt]  # silhouette chain from the top of the head to the crotch
    insets: list[list[Pt]]  # outlines of extra drawings (sole insets), closed rings


def _head(b: Body, view: View, lat: dict[str, list[Pt]], mid: dict[str, list[Pt]]) -> None:
    hp = b.head_patch
    mid["head.vertex"] = hp.chain([(0, 0), (1, 0), (1, 0.13), (0, 0.13)])
    lat["head.ear"] = b.ear
    if view == "front":
        top_arc = ellipse(0.41, 0.46, 0.28, 0.085, 180, 360, 14)  # medial -> lateral, upper
        bot_arc = ellipse(0.41, 0.46, 0.28, 0.075, 180, 0, 14)  # medial -> lateral, lower
        p_med, p_lat = top_arc[0], top_arc[-1]
        lat["face.orbit"] = hp.ring([*top_arc, *bot_arc[::-1][1:-1]])
        lat["head.forehead"] = hp.ring(
            [(0, 0.13), (0.72, 0.13), (0.72, 0.40), p_lat, *top_arc[::-1][1:-1], p_med, (0, 0.455)]
        )
        lat["head.temple"] = hp.ring([(0.72, 0.13), (1, 0.13), (1, 0.5), (0.8, 0.5), p_lat, (0.72, 0.40)])
        lat["face.cheek"] = hp.ring(
            [(0, 0.455), p_med, *bot_arc[1:-1], p_lat, (0.8, 0.5), (0.8, 0.66), (0.4, 0.69), (0, 0.69)]
        )
        lat["face.tmj"] = hp.ring([(0.8, 0.5), (1, 0.5), (1, 0.64), (0.8, 0.66)])
        lat["face.teeth_upper"] = hp.ring([(0, 0.69), (0.4, 0.69), (0.42, 0.77), (0, 0.77)])
        lat["face.teeth_lower"] = hp.ring([(0, 0.77), (0.42, 0.77), (0.4, 0.85), (0, 0.85)])
        lat["face.jaw"] = hp.ring(
            [(0, 0.85), (0.4, 0.85), (0.42, 0.77), (0.4, 0.69), (0.8, 0.66), (1, 0.64), (1, 1), (0, 1)]
        )
    else:
        lat["head.temple"] = hp.ring(rect(0.74, 1, 0.13, 0.55))
        lat["head.mastoid"] = hp.ring([(0.74, 0.55), (1, 0.55), (1, 0.82), (0.74, 0.78)])
        lat["head.occiput"] = hp.ring([(0, 0.13), (0.74, 0.13), (0.74, 0.55), (0.74, 0.78), (1, 0.82), (1, 1), (0, 1)])


def _neck(b: Body, view: View, lat: dict[str, list[Pt]], mid: dict[str, list[Pt]]) -> None:
    np_ = b.neck_patch
    if view == "front":
        mid["neck.throat"] = np_.chain([(0, 0), (0.42, 0), (0.42, 1), (0, 1)])
        lat["neck.anterolateral"] = np_.ring(rect(0.42, 1, 0, 1))
    else:
        lat["neck.posterior"] = np_.ring(rect(0, 0.5, 0, 1))
        lat["neck.posterolateral"] = np_.ring(rect(0.5, 1, 0, 1))


def sm(*ctrl: UT) -> list[UT]:
    """A smooth boundary through param-space control points (Catmull-Rom); it starts and
    ends exactly on its first and last control points, so boundaries join exactly."""
    return smooth(ctrl, per_unit=60.0)


def rev(pts: Sequence[UT]) -> list[UT]:
    return list(pts[::-1])


def cat(*segs: Sequence[UT]) -> list[UT]:
    """Join boundaries end to end into a closed polygon (shared ends are merged)."""
    out: list[UT] = []
    for seg in segs:
        for p in seg:
            if not out or out[-1] != p:
                out.append(p)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def _drawn(patch: Patch, start: UT, via: Sequence[Pt], end: UT) -> list[UT]:
    """A boundary drawn as a smooth curve in chart units (through ``via``) between two
    param-space nodes, returned in param space."""
    curve = Curve(smooth([patch(*start), *via, patch(*end)]))
    n = max(2, math.ceil(curve.length / 3.0))
    inner = [patch.invert(curve.at(k / n), start) for k in range(1, n)]
    return [start, *inner, end]


def _trunk(tp: Patch, view: View, lat: dict[str, list[Pt]], mid: dict[str, list[Pt]]) -> None:
    a0, a1, a2, a3 = (0.0, 0.0), (0.33, 0.0), (0.36, 0.05), (1.0, 0.04)
    top_band = sm(a1, (0.35, 0.028), a2)
    top_low = sm(a2, (0.6, 0.05), a3)
    lat["shoulder.top"] = tp.ring(cat(top_band, top_low, [a3, (1, 0), a1]))
    if view == "front":
        f0, ax, st, xi = (0.14, 0.0), (1.0, 0.2), (0.12, 0.33), (0.0, 0.37)
        j1, r1 = (0.86, 0.26), (1.0, 0.55)
        r2, r3, asis = (1.0, 0.66), (1.0, 0.73), (0.66, 0.83)
        g0, g1, b0, r5 = (0.04, 1.0), (0.76, 1.0), (0.0, 1.0), (1.0, 1.0)
        sternum = sm(f0, (0.165, 0.12), (0.16, 0.24), st)
        st_tip = sm(st, (0.06, 0.355), xi)
        pec_low = sm(st, (0.3, 0.385), (0.5, 0.39), (0.68, 0.355), (0.8, 0.3), j1)
        ax_j = sm(ax, (0.93, 0.225), j1)
        cl_in = sm(j1, (0.82, 0.36), (0.81, 0.46), (0.84, 0.52), r1)
        # the navel: a circle in chart units, top -> lateral -> bottom
        navel = [tp.invert((8.5 * math.cos(a), 345.5 + 8.5 * math.sin(a)), (0.1, 0.56)) for a in _angles(-90, 90, 12)]
        navel = [(0.0, navel[0][1]), *navel[1:-1], (0.0, navel[-1][1])]
        navel_up, navel_low = navel[:7], navel[6:]
        n0, n1, n2 = navel[0], navel[6], navel[-1]
        belt = _drawn(tp, n1, [(24.0, 347.0), (42.0, 351.0)], r2)
        iliac_top = sm(r3, (0.86, 0.74), (0.74, 0.77), asis)
        groin_top = sm(asis, (0.45, 0.875), (0.24, 0.915), (0.1, 0.955), g0)
        iliac_in = sm(asis, (0.72, 0.92), g1)
        mid["chest.sternum"] = tp.chain(cat([a0, f0], sternum, st_tip))
        lat["chest.pectoral"] = tp.ring(cat([f0, a1], top_band, top_low, [a3, ax], ax_j, rev(pec_low), rev(sternum)))
        lat["chest.lateral"] = tp.ring(cat([ax, r1], rev(cl_in), rev(ax_j)))
        lat["abdomen.upper"] = tp.ring(cat(rev(st_tip), pec_low, cl_in, [r1, r2], rev(belt), rev(navel_up), [n0, xi]))
        mid["abdomen.umbilical"] = tp.chain(navel)
        lat["abdomen.lower"] = tp.ring(cat(rev(navel_low), belt, [r2, r3], iliac_top, groin_top, [g0, b0, n2]))
        lat["pelvis.iliac_crest"] = tp.ring(cat(iliac_top, iliac_in, [g1, r5, r3]))
        lat["groin"] = tp.ring(cat(rev(groin_top), iliac_in, [g1, g0]))
        return

    sr, ac, m, ia = (0.36, 0.15), (1.0, 0.07), (0.46, 0.27), (0.6, 0.375)
    lb, ax, t0 = (0.88, 0.24), (1.0, 0.19), (0.0, 0.31)
    th, clb, r1, l0 = (0.38, 0.53), (0.85, 0.54), (1.0, 0.59), (0.0, 0.548)
    il1, r2, r3, il2 = (0.28, 0.745), (1.0, 0.67), (1.0, 0.745), (0.34, 0.8)
    s0, s1, s2, s3, s4 = (0.0, 0.765), (0.17, 0.765), (0.17, 0.83), (0.07, 0.935), (0.0, 0.945)
    sib, c1 = (0.31, 0.87), (0.0, 0.985)
    hp1, r4, hp2, r5, b0 = (0.86, 0.81), (1.0, 0.81), (0.86, 1.0), (1.0, 1.0), (0.0, 1.0)

    spine = sm(sr, (0.6, 0.118), (0.82, 0.09), ac)
    med_up = sm(sr, (0.4, 0.21), m)
    med_low = sm(m, (0.52, 0.325), ia)
    lat_low = sm(ia, (0.7, 0.335), (0.8, 0.285), lb)
    lat_up = sm(lb, (0.94, 0.215), ax)
    inter_low = sm(m, (0.3, 0.3), t0)
    thor_side = sm(m, (0.44, 0.36), (0.4, 0.45), th)
    cl_in = sm(lb, (0.83, 0.33), (0.82, 0.44), clb)
    cl_low = sm(clb, (0.92, 0.56), r1)
    l0 = (0.0, tp.invert((0.0, tp(*th)[1]), th)[1])
    lum_top1 = _drawn(tp, l0, [], th)
    lum_top2 = _drawn(tp, th, [], clb)
    iliac_top = sm(il1, (0.42, 0.715), (0.62, 0.69), (0.82, 0.675), r2)
    iliac_low = sm(il2, (0.48, 0.78), (0.66, 0.765), (0.84, 0.75), r3)
    si_top = sm(s1, (0.22, 0.752), il1)
    si_lat = sm(il1, (0.32, 0.77), il2)
    si_lat2 = sm(il2, (0.335, 0.84), sib)
    si_low = sm(sib, (0.24, 0.855), s2)
    sac_side = sm(s1, (0.175, 0.8), s2)
    sac_low = sm(s2, (0.13, 0.89), s3)
    coccyx = sm(s3, (0.055, 0.96), c1)
    cleft = sm(sib, (0.55, 0.905), (0.78, 0.87), hp1)
    hip_in = sm(hp1, (0.85, 0.9), hp2)

    lat["back.interscapular"] = tp.ring(cat([a0, a1], top_band, [a2, sr], med_up, inter_low, [t0]))
    lat["back.suprascapular"] = tp.ring(cat(top_low, [a3, ac], rev(spine), [sr, a2]))
    lat["back.scapula"] = tp.ring(cat(spine, [ac, ax], rev(lat_up), rev(lat_low), rev(med_low), rev(med_up)))
    lat["chest.lateral"] = tp.ring(cat(lat_up, [ax, r1], rev(cl_low), rev(cl_in)))
    lat["back.infrascapular"] = tp.ring(cat(med_low, lat_low, cl_in, rev(lum_top2), rev(thor_side)))
    lat["back.thoracic"] = tp.ring(cat(rev(inter_low), thor_side, rev(lum_top1), [l0, t0]))
    lat["back.lumbar"] = tp.ring(cat(lum_top1, lum_top2, cl_low, [r1, r2], rev(iliac_top), rev(si_top), [s1, s0, l0]))
    lat["pelvis.iliac_crest"] = tp.ring(cat(iliac_top, [r2, r3], rev(iliac_low), rev(si_lat)))
    lat["back.sacroiliac"] = tp.ring(cat(si_top, si_lat, si_lat2, si_low, rev(sac_side)))
    mid["back.sacrum"] = tp.chain(cat([s0, s1], sac_side, sac_low, [s3, s4]))
    mid["back.coccyx"] = tp.chain(cat([s4, s3], coccyx))
    lat["buttock.upper"] = tp.ring(cat(iliac_low, [r3, r4, hp1], rev(cleft), rev(si_lat2)))
    lat["hip.lateral"] = tp.ring(cat([hp1, r4, r5, hp2], rev(hip_in)))
    lat["buttock.lower"] = tp.ring(cat([c1, b0, hp2], rev(hip_in), rev(cleft), si_low, sac_low, coccyx))


def _arm(b: Body, view: View, lat: dict[str, list[Pt]]) -> None:
    ap = b.arm_patch
    lat["shoulder.lateral"] = ap.ring([(0.7, 0), (1, 0), (1, 0.22), (0.7, 0.2)])
    lat["arm.lateral"] = ap.ring([(0.7, 0.2), (1, 0.22), (1, 0.45), (0.7, 0.45)])
    lat["elbow.lateral"] = ap.ring(rect(0.7, 1, 0.45, 0.57))
    lat["forearm.ulnar"] = ap.ring(rect(0, 0.22, 0.57, 0.94))
    lat["forearm.radial"] = ap.ring(rect(0.78, 1, 0.57, 0.94))
    if view == "front":
        lat["shoulder.anterior"] = ap.ring([(0, 0), (0.7, 0), (0.7, 0.2), (0.3, 0.16), (0, 0.06)])
        lat["arm.medial"] = ap.ring([(0, 0.06), (0.3, 0.16), (0.3, 0.45), (0, 0.45)])
        lat["arm.anterior"] = ap.ring([(0.3, 0.16), (0.7, 0.2), (0.7, 0.45), (0.3, 0.45)])
        lat["elbow.medial"] = ap.ring(rect(0, 0.3, 0.45, 0.57))
        lat["elbow.anterior"] = ap.ring(rect(0.3, 0.7, 0.45, 0.57))
        lat["forearm.volar"] = ap.ring(rect(0.22, 0.78, 0.57, 0.94))
        lat["wrist.volar"] = ap.ring(rect(0, 1, 0.94, 1))
    else:
        lat["shoulder.posterior"] = ap.ring([(0, 0), (0.7, 0), (0.7, 0.2), (0.3, 0.16), (0, 0.06)])
        lat["arm.posterior"] = ap.ring([(0, 0.06), (0.3, 0.16), (0.7, 0.2), (0.7, 0.45), (0, 0.45)])
        lat["elbow.posterior"] = ap.ring(rect(0, 0.7, 0.45, 0.57))
        lat["forearm.dorsal"] = ap.ring(rect(0.22, 0.78, 0.57, 0.94))
        lat["wrist.dorsal"] = ap.ring(rect(0, 1, 0.94, 1))


def _hand(b: Body, view: View, lat: dict[str, list[Pt]]) -> None:
    pp = b.palm_patch
    f1 = b.thumb_span[1]
    if view == "front":
        lat["hand.palm"] = pp.ring(rect(0, 1, 0, 1))
    else:
        web_edge = sm((1, f1 - 0.1), (0.84, f1 + 0.1), (0.78, 0.85), (0.74, 1))
        lat["hand.thumb_web"] = pp.ring(cat(web_edge, [(0.74, 1), (1, 1)]))
        lat["hand.dorsal"] = pp.ring(cat([(0, 0), (1, 0)], web_edge, [(0.74, 1), (0, 1)]))
    lat["hand.thumb"] = b.thumb
    lat.update(b.fingers)


def _leg(lp: Patch, view: View, lat: dict[str, list[Pt]]) -> None:
    lat["leg.lateral"] = lp.ring(rect(0.7, 1, 0.56, 0.92))
    lat["ankle.lateral"] = lp.ring(rect(0.7, 1, 0.92, 1))
    if view == "front":
        # kneecap: an oval touching the knee band's upper and lower edges
        cap_lat = ellipse(0.5, 0.505, 0.21, 0.055, -90, 90, 16)  # top -> lateral -> bottom
        cap_med = ellipse(0.5, 0.505, 0.21, 0.055, 270, 90, 16)  # top -> medial -> bottom
        top, low = cap_lat[0], cap_lat[-1]
        lat["hip.lateral"] = lp.ring(rect(0.72, 1, 0, 0.12))
        lat["thigh.medial"] = lp.ring(rect(0, 0.28, 0, 0.45))
        lat["thigh.anterior"] = lp.ring(rect(0.28, 0.72, 0, 0.45))
        lat["thigh.lateral"] = lp.ring(rect(0.72, 1, 0.12, 0.45))
        lat["knee.anterior"] = lp.ring(cat(cap_lat, rev(cap_med)))
        lat["knee.medial"] = lp.ring(cat([(0, 0.45), (0.28, 0.45)], cap_med, [(0.3, 0.56), (0, 0.56)]))
        lat["knee.lateral"] = lp.ring(cat([top, (0.72, 0.45), (1, 0.45), (1, 0.56), (0.7, 0.56)], rev(cap_lat)))
        lat["leg.medial"] = lp.ring(rect(0, 0.3, 0.56, 0.92))
        lat["leg.anterior"] = lp.ring(cat([(0.3, 0.56), low, (0.7, 0.56), (0.7, 0.92), (0.3, 0.92)]))
        lat["ankle.medial"] = lp.ring(rect(0, 0.3, 0.92, 1))
        lat["ankle.anterior"] = lp.ring(rect(0.3, 0.7, 0.92, 1))
    else:
        lat["knee.lateral"] = lp.ring(rect(0.75, 1, 0.45, 0.56))
        lat["thigh.posterior"] = lp.ring(rect(0, 0.72, 0, 0.45))
        lat["thigh.lateral"] = lp.ring(rect(0.72, 1, 0, 0.45))
        lat["knee.posterior"] = lp.ring(rect(0, 0.75, 0.45, 0.56))
        lat["leg.posterior"] = lp.ring(rect(0, 0.7, 0.56, 0.92))
        lat["ankle.achilles"] = lp.ring(rect(0, 0.7, 0.92, 1))


def _foot_front(b: Body, lat: dict[str, list[Pt]]) -> list[Pt]:
    """Foot seen from the front; returns its outline chain outer ankle -> inner ankle."""
    inner = Curve.through([b.inner_leg.end, (19.0, 827), (16.4, 837), (14.8, 846)])
    outer = Curve.through([b.side.end, (48.2, 827), (52.2, 837), (53.6, 845)])
    base = Curve.through([inner.end, (30, 848.6), (42, 848.2), outer.end])
    foot = Patch(left=arc(inner), right=arc(outer), top=line(inner.start, outer.start), bottom=arc(base))
    lat["foot.dorsal"] = foot.ring(rect(0, 0.7, 0, 1))
    lat["foot.lateral"] = foot.ring(rect(0.7, 1, 0, 1))
    split_f = base.nearest_fraction((28.0, 848.4))
    split = base.at(split_f)
    shared = Curve.through([split, (28.3, 852.5), (28.0, 856.5)]).pts
    big = Curve.through(
        [
            shared[-1],
            (27.0, 859.6),
            (24.6, 861.8),
            (21.0, 862.6),
            (17.6, 861.4),
            (15.0, 857.6),
            (14.4, 852),
            inner.end,
        ]
    ).pts
    small = Curve.through(
        [
            outer.end,
            (54.2, 848.6),
            (53.2, 852.2),
            (51.0, 853.8),
            (48.8, 853.4),
            (47.2, 851.8),
            (46.4, 854.6),
            (44.4, 856.4),
            (41.8, 856.2),
            (40.4, 854.6),
            (39.4, 857.4),
            (37.0, 859.0),
            (34.4, 858.6),
            (33.2, 856.8),
            (32.2, 859.4),
            (30.0, 860.2),
            (28.6, 859.0),
            shared[-1],
        ]
    ).pts
    lat["foot.big_toe"] = [*base.between(0.0, split_f), *shared[1:], *big[1:-1]]
    lat["foot.toes"] = [*base.between(split_f, 1.0), *small[1:], *shared[::-1][1:-1]]
    return [*outer.pts, *small[1:], *big[1:], *inner.pts[::-1][1:]]


def _heel_back(b: Body, lat: dict[str, list[Pt]]) -> list[Pt]:
    inner = Curve.through([b.inner_leg.end, (20.8, 830), (23.0, 842), (27.5, 850)])
    outer = Curve.through([b.side.end, (46.2, 830), (44.3, 842), (39.0, 850)])
    bottom = Curve.through([inner.end, (33.2, 852.6), outer.end])
    heel = Patch(left=arc(inner), right=arc(outer), top=line(inner.start, outer.start), bottom=arc(bottom))
    lat["heel.posterior"] = heel.ring(rect(0, 1, 0, 1))
    return [*outer.pts, *bottom.pts[::-1][1:], *inner.pts[::-1][1:]]


def _sole(lat: dict[str, list[Pt]]) -> list[Pt]:
    """Sole inset (back chart): heel at the top, toes at the bottom, big toe medial."""
    fr = Frame((SOLE_CENTER_DX, SOLE_TOP), 0.0)
    medial = fr.curve([(-12.5, 8), (-14.2, 20), (-12.2, 38), (-10.6, 52), (-14.5, 66), (-19.5, 80)])
    lateral = fr.curve([(12.5, 8), (14.2, 22), (15.6, 42), (17.2, 62), (18.8, 78)])
    heel = fr.curve([(-12.5, 8), (-9, 2), (0, 0), (9, 2), (12.5, 8)])
    mtp = fr.curve([(-19.5, 80), (0, 83.5), (18.8, 78)])
    sole = Patch(left=arc(medial), right=arc(lateral), top=arc(heel), bottom=arc(mtp))
    lat["heel.plantar"] = sole.ring(rect(0, 1, 0, 0.3))
    lat["foot.arch"] = sole.ring(rect(0, 0.52, 0.3, 0.74))
    lat["foot.lateral"] = sole.ring([(0.52, 0.3), (1, 0.3), (1, 0.84), (0.52, 0.74)])
    lat["foot.ball"] = sole.ring([(0, 0.74), (0.52, 0.74), (1, 0.84), (1, 1), (0, 1)])
    t_med = fr.curve([(-19.5, 80), (-20.6, 90), (-18.6, 100)])
    t_lat = fr.curve([(18.8, 78), (17.6, 85), (14.6, 91)])
    tips = fr.curve(
        [
            (-18.6, 100),
            (-14, 103.6),
            (-8.6, 102.6),
            (-6.2, 99.6),
            (-3, 101),
            (1.4, 100),
            (3.4, 97.6),
            (6.4, 98.2),
            (9.4, 96),
            (11, 94),
            (13.2, 93.4),
            (14.6, 91),
        ]
    )
    toes = Patch(left=arc(t_med), right=arc(t_lat), top=arc(mtp), bottom=arc(tips))
    lat["foot.big_toe"] = toes.ring(rect(0, 0.33, 0, 1))
    lat["foot.toes"] = toes.ring(rect(0.33, 1, 0, 1))
    return [
        *heel.pts,
        *lateral.pts[1:],
        *t_lat.pts[1:],
        *tips.pts[::-1][1:],
        *t_med.pts[::-1][1:],
        *medial.pts[::-1][1:-1],
    ]


@cache
def drawing(view: View) -> Drawing:
    b = body()
    lat: dict[str, list[Pt]] = {}
    mid: dict[str, list[Pt]] = {}
    _head(b, view, lat, mid)
    _neck(b, view, lat, mid)
    tp, fold = _trunk_patch(b, view)
    _trunk(tp, view, lat, mid)
    _arm(b, view, lat)
    _hand(b, view, lat)
    _leg(_leg_patch(b, view, fold), view, lat)
    insets: list[list[Pt]] = []
    if view == "front":
        foot = _foot_front(b, lat)
    else:
        foot = _heel_back(b, lat)
        insets.append(_sole(lat))

    # Silhouette of the half, from the top of the head down and round to the crotch.
    head, ear_span = b.head, b.ear_span
    fingers = [b.finger_outer[c][::-1] for c in ("hand.index", "hand.middle", "hand.ring", "hand.little")]
    f0, f1 = b.thumb_span
    chain = [
        *head.between(0.0, ear_span[0]),
        *b.ear_outer[1:],
        *head.between(ear_span[1], b.neck_attach)[1:],
        *b.neck_side.pts[1:],
        *b.trapezius.pts[1:],
        *b.arm_out.pts[1:],
        *b.palm_out.between(0.0, f0)[1:],
        *b.thumb_outer[1:],
        *b.palm_out.between(f1, 1.0)[1:],
    ]
    for f in fingers:
        chain.extend(f[1:])
    chain.extend(b.palm_in.pts[::-1][1:])
    chain.extend(b.arm_in.pts[::-1][1:])
    chain.extend(b.side.pts[1:])
    chain.extend(foot[1:])
    chain.extend(b.inner_leg.pts[::-1][1:])
    return Drawing(lateral=lat, midline=mid, outline=chain, insets=insets)


# --------------------------------------------------------------------------------------
# Placement on the chart
# --------------------------------------------------------------------------------------


def viewer_left_side(view: View) -> Side:
    """The patient's side drawn on the viewer's left of the chart."""
    return "right" if view == "front" else "left"


def _place(pts: Sequence[Pt], sign: float) -> list[Pt]:
    return [(CENTER_X + sign * dx, y) for dx, y in pts]


def _simplify(pts: list[Pt], tol: float) -> list[Pt]:
    """Ramer-Douglas-Peucker on an open polyline (keeps both ends)."""
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        a, b = pts[i], pts[j]
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = _seg_dist(pts[k], a, b)
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def _seg_dist(p: Pt, a: Pt, b: Pt) -> float:
    vx, vy = b[0] - a[0], b[1] - a[1]
    n2 = vx * vx + vy * vy
    if n2 == 0:
        return _dist(p, a)
    w = max(0.0, min(1.0, ((p[0] - a[0]) * vx + (p[1] - a[1]) * vy) / n2))
    return _dist(p, (a[0] + vx * w, a[1] + vy * w))


def _clean_ring(pts: Sequence[Pt]) -> list[Pt]:
    ring = [(round(x, 1), round(y, 1)) for x, y in pts]
    out: list[Pt] = []
    for p in ring:
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    # simplify as an open chain starting at the point farthest from the first
    far = max(range(len(out)), key=lambda i: _dist(out[0], out[i]))
    first = _simplify(out[: far + 1], _TOLERANCE)
    second = _simplify([*out[far:], out[0]], _TOLERANCE)
    return [*first, *second[1:-1]]


@cache
def region_rings(view: View) -> Mapping[RegionKey, tuple[Pt, ...]]:
    """Every shape of a view as a closed ring of points in chart coordinates (viewBox
    ``0 0 WIDTH HEIGHT``), keyed by (code, side); side ``None`` for midline regions."""
    d = drawing(view)
    vl = viewer_left_side(view)
    vr: Side = "left" if vl == "right" else "right"
    out: dict[RegionKey, tuple[Pt, ...]] = {}
    for code, chain in d.midline.items():
        ring = [*_place(chain, -1.0), *_place(chain[::-1], 1.0)[1:-1]]
        out[(code, None)] = tuple(_clean_ring(ring))
    for code, ring_ in d.lateral.items():
        out[(code, vl)] = tuple(_clean_ring(_place(ring_, -1.0)))
        out[(code, vr)] = tuple(_clean_ring(_place(ring_, 1.0)))
    return MappingProxyType(out)


def path_d(ring: Sequence[Pt]) -> str:
    """An SVG path for a closed ring (absolute coordinates, one decimal)."""
    parts = [f"M{_num(ring[0][0])} {_num(ring[0][1])}"]
    parts.extend(f"L{_num(x)} {_num(y)}" for x, y in ring[1:])
    return "".join(parts) + "Z"


def _num(v: float) -> str:
    s = f"{v:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    if s == "-0":
        s = "0"
    return s


@cache
def region_paths(view: View) -> Mapping[RegionKey, str]:
    """Every shape of a view as an SVG path ``d`` string, keyed by (code, side)."""
    return MappingProxyType({k: path_d(r) for k, r in region_rings(view).items()})


@cache
def outline_path(view: View) -> str:
    """The silhouette (and the sole insets' outlines), for a stroke drawn over the shapes."""
    d = drawing(view)
    ring = [*_place(d.outline, -1.0), *_place(d.outline[::-1], 1.0)[1:-1]]
    rings = [_clean_ring(ring)]
    for inset in d.insets:
        rings.append(_clean_ring(_place(inset, -1.0)))
        rings.append(_clean_ring(_place(inset, 1.0)))
    return "".join(path_d(r) for r in rings)
