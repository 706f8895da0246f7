"""Classic referral patterns (fact sheet section 5, after Travell & Simons): the textbook muscle
ranks first or near the top when its pattern is drawn."""

from __future__ import annotations

import pytest

from needlepoint.clinical.finder import parse_mark, suggest

# (drawing, acceptable textbook muscles, must be within the top N)
PATTERNS: list[tuple[str, set[str], int]] = [
    ("neck.posterolateral head.mastoid head.temple face.orbit face.jaw", {"upper-trapezius"}, 1),
    ("neck.posterolateral back.scapula shoulder.posterior", {"levator-scapulae"}, 3),
    (
        "head.occiput face.orbit head.forehead",
        {"rectus-capitis-posterior-major", "obliquus-capitis-inferior", "semispinalis-capitis"},
        3,
    ),
    ("head.occiput face.cheek face.orbit chest.sternum", {"sternocleidomastoid"}, 1),
    ("head.forehead head.ear head.mastoid", {"sternocleidomastoid"}, 2),
    ("head.vertex", {"splenius-capitis", "sternocleidomastoid"}, 3),
    ("chest.pectoral back.interscapular arm.lateral forearm.radial hand.thumb hand.index", {"scalenes"}, 1),
    ("shoulder.anterior arm.lateral forearm.radial", {"infraspinatus"}, 2),
    ("shoulder.lateral arm.lateral elbow.lateral", {"supraspinatus"}, 2),
    ("shoulder.posterior arm.posterior", {"teres-minor", "teres-major", "triceps-brachii", "deltoid"}, 3),
    ("shoulder.posterior back.scapula arm.posterior wrist.dorsal wrist.volar", {"subscapularis"}, 1),
    ("back.interscapular", {"rhomboid-major", "rhomboid-minor", "middle-trapezius"}, 3),
    ("chest.pectoral shoulder.anterior arm.medial forearm.ulnar", {"pectoralis-major"}, 2),
    ("chest.lateral back.infrascapular arm.medial", {"serratus-anterior"}, 2),
    ("shoulder.anterior shoulder.lateral shoulder.posterior", {"deltoid"}, 2),
    ("back.infrascapular shoulder.posterior arm.medial forearm.ulnar hand.ring hand.little", {"latissimus-dorsi"}, 1),
    ("elbow.lateral hand.thumb_web", {"supinator", "brachioradialis", "extensor-carpi-radialis-longus"}, 2),
    (
        "elbow.lateral forearm.dorsal hand.dorsal",
        {"extensor-carpi-radialis-longus", "extensor-carpi-radialis-brevis", "brachioradialis"},
        3,
    ),
    ("forearm.dorsal hand.middle hand.ring", {"extensor-digitorum"}, 2),
    ("back.sacroiliac buttock.lower pelvis.iliac_crest groin hip.lateral", {"quadratus-lumborum"}, 1),
    ("back.lumbar buttock.lower abdomen.lower", {"iliocostalis-lumborum"}, 3),
    ("back.sacroiliac back.sacrum back.coccyx buttock.lower", {"gluteus-maximus"}, 2),
    ("back.lumbar back.sacrum back.sacroiliac pelvis.iliac_crest buttock.upper", {"gluteus-medius"}, 2),
    ("buttock.upper thigh.lateral knee.lateral leg.lateral ankle.lateral", {"gluteus-minimus"}, 1),
    ("back.sacroiliac buttock.lower thigh.posterior", {"piriformis"}, 2),
    ("thigh.lateral hip.lateral", {"tensor-fasciae-latae"}, 2),
    ("back.lumbar back.sacroiliac groin thigh.anterior", {"psoas-major", "iliacus"}, 2),
    ("knee.anterior thigh.anterior", {"rectus-femoris"}, 2),
    ("knee.medial", {"vastus-medialis"}, 3),
    ("leg.posterior knee.posterior foot.arch", {"gastrocnemius"}, 2),
    ("heel.posterior heel.plantar ankle.achilles", {"soleus"}, 1),
    ("ankle.anterior foot.big_toe leg.anterior", {"tibialis-anterior"}, 1),
    ("ankle.lateral foot.lateral leg.lateral", {"fibularis-longus", "fibularis-brevis"}, 2),
    ("heel.plantar foot.arch", {"abductor-hallucis", "quadratus-plantae"}, 3),
    ("face.teeth_lower face.cheek face.jaw face.tmj head.ear", {"masseter"}, 1),
    ("head.temple face.orbit face.teeth_upper", {"temporalis"}, 1),
    ("face.tmj face.cheek", {"lateral-pterygoid"}, 2),
]


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("drawing", "expected", "top"), PATTERNS, ids=[sorted(p[1])[0] + ":" + p[0][:30] for p in PATTERNS]
)
def test_textbook_muscle_ranks_near_the_top(drawing: str, expected: set[str], top: int, side: str) -> None:
    marks = [parse_mark(f"{code}:{side}") if code not in MIDLINE else parse_mark(code) for code in drawing.split()]
    ranked = suggest(marks, limit=top)
    assert {s.muscle for s in ranked} & expected, [(s.muscle, s.score) for s in suggest(marks, limit=6)]
    if set(drawing.split()) - MIDLINE:  # a midline-only drawing cannot tell the sides apart
        assert all(s.side == side for s in ranked if s.muscle in expected)


MIDLINE = {"head.vertex", "chest.sternum", "back.sacrum", "back.coccyx", "neck.throat", "abdomen.umbilical"}


def test_there_are_at_least_25_patterns() -> None:
    assert len(PATTERNS) >= 25
