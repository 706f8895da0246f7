"""The shipped outcome measures and questionnaires: complete, cited, and loudly checked."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from needlepoint.knowledge import OUTCOME_MEASURE_IDS, KnowledgeError, data_directory, load_knowledge
from needlepoint.knowledge.outcomes import (
    load_measures,
    load_measures_from,
    load_questionnaire_versions,
    load_questionnaires,
    load_questionnaires_from,
    questionnaire_version,
)

REFERENCES = load_knowledge().references
MEASURES = load_measures()
QUESTIONNAIRES = load_questionnaires()
SOURCE = Path(str(data_directory()))


def test_every_measure_is_described() -> None:
    assert tuple(MEASURES) == OUTCOME_MEASURE_IDS


def test_the_six_questionnaires_are_shipped() -> None:
    assert sorted(QUESTIONNAIRES) == ["ffi", "hdi", "ndi", "odi", "psfs", "quickdash"]
    for ident, q in QUESTIONNAIRES.items():
        assert q.version == "1.0" and q.status == "active"
        assert MEASURES[q.measure].questionnaire == ident
    assert questionnaire_version("ndi", "1.0") is QUESTIONNAIRES["ndi"]
    with pytest.raises(KeyError, match=r"unknown questionnaire version 'ndi' '9\.9'"):
        questionnaire_version("ndi", "9.9")


def test_loaders_are_cached_and_read_only() -> None:
    assert load_measures() is MEASURES and load_questionnaires() is QUESTIONNAIRES
    with pytest.raises(TypeError):
        QUESTIONNAIRES["ndi"] = QUESTIONNAIRES["odi"]  # type: ignore[index]
    assert ("odi", "1.0") in load_questionnaire_versions()


def shape(ident: str) -> list[tuple[str, int, int]]:
    return [(i.kind, i.min_value, i.max_value) for i in QUESTIONNAIRES[ident].items]


def test_instrument_structures_match_the_published_ones() -> None:
    assert shape("ndi") == [("choice", 0, 5)] * 10
    assert shape("odi") == [("choice", 0, 5)] * 10
    assert all(len(i.options) == 6 for i in QUESTIONNAIRES["odi"].items)
    assert shape("quickdash") == [("choice", 1, 5)] * 11
    assert shape("psfs") == [("activity", 0, 10)] * 5
    assert [i.required for i in QUESTIONNAIRES["psfs"].items] == [True, True, True, False, False]
    hdi = QUESTIONNAIRES["hdi"]
    assert len(hdi.items) == 25 and all(i.allowed_values() == (4, 2, 0) for i in hdi.items)
    assert (len(hdi.items_in("emotional")), len(hdi.items_in("functional"))) == (13, 12)
    ffi = QUESTIONNAIRES["ffi"]
    assert shape("ffi") == [("numeric-scale", 0, 10)] * 23
    assert [len(ffi.items_in(s.id)) for s in ffi.subscales] == [9, 9, 5]
    assert all(i.not_applicable_allowed for i in ffi.items)


def test_scoring_parameters() -> None:
    scoring = {k: q.scoring for k, q in QUESTIONNAIRES.items()}
    assert (scoring["ndi"].max_missing, scoring["odi"].max_missing, scoring["quickdash"].max_missing) == (2, 2, 1)
    assert scoring["hdi"].max_missing == 0 and scoring["psfs"].min_answered == 3
    assert scoring["quickdash"].missing_rule_basis == "published"
    assert {k for k, s in scoring.items() if s.missing_rule_basis == "project rule"} == {
        "ndi",
        "odi",
        "psfs",
        "hdi",
        "ffi",
    }


def test_every_citation_exists_and_unconfirmed_sources_make_unconfirmed_thresholds() -> None:
    for q in QUESTIONNAIRES.values():
        for source in (*q.sources, *q.scoring.sources):
            assert source in REFERENCES, (q.id, source)
    for m in MEASURES.values():
        thresholds = [*m.mcid, *([m.mdc] if m.mdc else [])]
        for threshold in thresholds:
            for source in threshold.sources:
                assert source in REFERENCES, (m.id, source)
                if REFERENCES[source].status == "unconfirmed":
                    assert threshold.status == "unconfirmed", (m.id, source)


def test_fact_sheet_thresholds() -> None:
    def mcid(ident: str) -> list[tuple[float, str]]:
        return [(t.value, t.unit) for t in MEASURES[ident].mcid]

    assert mcid("nprs") == [(2, "points"), (30, "percent")]
    assert mcid("odi") == [(10, "points"), (30, "percent")]
    assert mcid("vas") == [(15, "points")]
    assert mcid("quickdash") == [(15.91, "points")]
    assert mcid("ndi") == [(7.5, "points")]
    # Issue 11: the PSFS "MCID 2" is the MDC; Abbott & Schmitt 2014 give 1.3 / 2.3 / 2.7.
    assert mcid("psfs") == [(1.3, "points")] and MEASURES["psfs"].mcid[0].sources == ("abbott-2014",)
    assert "2.3" in (MEASURES["psfs"].mcid[0].note or "") and "2.7" in (MEASURES["psfs"].mcid[0].note or "")
    # Landorf & Radford 2008: FFI total 7 (pain 12, disability 7); FHSQ pain 14 (13 is Landorf 2010).
    assert mcid("ffi") == [(7, "points")]
    assert "12" in (MEASURES["ffi"].mcid[0].note or "") and "SRALab" in (MEASURES["ffi"].note or "")
    assert mcid("fhsq") == [(14, "points")] and "landorf-2010" in MEASURES["fhsq"].sources
    assert "alternative method listed by SRALab" in QUESTIONNAIRES["ffi"].scoring.formula
    mdc = {k: m.mdc.value for k, m in MEASURES.items() if m.mdc}
    assert mdc == {"nprs": 1.77, "ndi": 10.2, "quickdash": 12.85, "psfs": 2, "hdi": 29, "ppt": 0.62, "rom": 9.6}
    assert MEASURES["ppt"].qualifiers == ("site", "side")
    assert MEASURES["rom"].qualifiers == ("joint", "movement", "side")
    assert MEASURES["grip-strength"].qualifiers == ("side",)


# Phrases of the published instruments that the project must not reproduce (its wording is its own).
PUBLISHED_PHRASES = [
    "I have no pain at the moment",
    "The pain is very mild at the moment",
    "I can look after myself normally without causing extra pain",
    "Pain prevents me from walking more than 1 mile",
    "Open a tight or new jar",
    "Because of my headaches I feel handicapped",
    "I feel desperate because of my headaches",
]


def test_wording_is_the_projects_own_and_the_licence_says_so() -> None:
    texts = []
    for q in QUESTIONNAIRES.values():
        assert "project's own plain-language rendering" in q.licence
        assert "verbatim text as a new version" in q.licence
        texts.extend([q.instructions, *(i.text for i in q.items)])
        texts.extend(o.label for i in q.items for o in i.options)
    blob = "\n".join(texts).lower()
    for phrase in PUBLISHED_PHRASES:
        assert phrase.lower() not in blob, phrase


# --- broken data fails loudly, naming file, entry and field --------------------------------


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(SOURCE, target)
    return target


def edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")


def load_all(directory: Path) -> None:
    measures = load_measures_from(directory, REFERENCES)
    load_questionnaires_from(directory / "questionnaires", REFERENCES, measures)


def test_unknown_source_is_named(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit(data / "questionnaires" / "hdi.yaml", lambda d: d["versions"][0]["scoring"].update(sources=["nobody-2099"]))
    with pytest.raises(KnowledgeError) as caught:
        load_all(data)
    assert str(caught.value) == (
        "questionnaires/hdi.yaml: entry 'hdi 1.0', field 'scoring.sources.0': "
        "unknown source id 'nobody-2099' (not in the bibliography)"
    )


def test_bad_item_field_is_named(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit(data / "questionnaires" / "ndi.yaml", lambda d: d["versions"][0]["items"][2].update(kind="numeric-scale"))
    with pytest.raises(KnowledgeError) as caught:
        load_all(data)
    message = str(caught.value)
    assert message.startswith("questionnaires/ndi.yaml: entry 'ndi', field 'items.2':")
    assert "needs a scale" in message


def test_questionnaire_must_agree_with_its_file_and_measure(tmp_path: Path) -> None:
    data = copy_data(tmp_path)

    def change(d: dict[str, Any]) -> None:
        d["versions"][0]["id"] = "odi-x"
        d["versions"][0]["scoring"]["scale_max"] = 50

    edit(data / "questionnaires" / "odi.yaml", change)
    with pytest.raises(KnowledgeError) as caught:
        load_all(data)
    problems = caught.value.problems
    assert any("field 'id': questionnaire id 'odi-x' does not match the file name 'odi.yaml'" in p for p in problems)
    assert any("field 'scoring.scale_max': scale 0-50 differs from measure 'odi' range 0-100" in p for p in problems)


def test_versions_are_unique_and_oldest_first(tmp_path: Path) -> None:
    data = copy_data(tmp_path)

    def change(d: dict[str, Any]) -> None:
        newer = dict(d["versions"][0], version="1.1")
        d["versions"] = [newer, d["versions"][0], dict(d["versions"][0])]

    edit(data / "questionnaires" / "psfs.yaml", change)
    with pytest.raises(KnowledgeError) as caught:
        load_all(data)
    problems = caught.value.problems
    assert any("versions must be listed oldest first (1.0 after 1.1)" in p for p in problems)
    assert any("field 'version': version 1.0 is listed twice" in p for p in problems)


def test_a_new_version_becomes_current_and_the_old_one_stays_loadable(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit(
        data / "questionnaires" / "ndi.yaml",
        lambda d: d["versions"].append(dict(d["versions"][0], version="1.1", title="NDI (licensed text)")),
    )
    versions = load_questionnaires_from(data / "questionnaires", REFERENCES, MEASURES)
    assert versions[("ndi", "1.0")].title == "Neck Disability Index"
    assert versions[("ndi", "1.1")].title == "NDI (licensed text)"


def test_measure_threshold_problems_are_named(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit(data / "measures.yaml", lambda d: d["measures"][0]["mcid"][0].update(sources=["ghost-2001"]))
    with pytest.raises(KnowledgeError, match=r"measures.yaml: entry 'nprs', field 'mcid.0.sources.0': unknown source"):
        load_measures_from(data, REFERENCES)
    edit(data / "measures.yaml", lambda d: d["measures"][1].pop("mcid"))
    with pytest.raises(KnowledgeError, match=r"entry 'vas'.*needs an MCID or an MDC"):
        load_measures_from(data, REFERENCES)
