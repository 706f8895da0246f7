"""The public "Learn about dry needling" pages under /learn/: no login, every page lists its
sources, evidence in plain words, risks with their rates, safe rendering of topic text."""

from __future__ import annotations

import dataclasses
import itertools
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from tests.base import ClinicTestCase

from needlepoint.atlas import public
from needlepoint.atlas.templatetags.learn_text import (
    evidence_badge,
    evidence_sentence,
    link_see_also,
    plain_text_blocks,
)
from needlepoint.knowledge import Evidence, TopicSection, load_knowledge

KB = load_knowledge()
PAGES = {
    "learn-index": "/learn/",
    "learn-conditions": "/learn/conditions/",
    "learn-condition": "/learn/conditions/lateral-epicondylalgia/",
    "learn-risks": "/learn/risks/",
    "learn-sources": "/learn/sources/",
    "learn-topic": "/learn/what-is-dry-needling/",
}
PATIENT_TOPICS = [t for t in KB.topics.values() if t.audience in ("patient", "both")]
CLINICIAN_TOPICS = [t for t in KB.topics.values() if t.audience == "clinician"]


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_levels(body: str) -> list[int]:
    parser = Headings()
    parser.feed(body)
    return parser.levels


def source_items(body: str) -> list[str]:
    return re.findall(r'<li id="source-([a-z0-9-]+)">', body)


# --- every page, signed out ------------------------------------------------------------


def test_url_names_resolve_to_the_public_paths() -> None:
    assert reverse("learn-index") == "/learn/"
    assert reverse("learn-conditions") == "/learn/conditions/"
    assert reverse("learn-condition", args=["neck-pain"]) == "/learn/conditions/neck-pain/"
    assert reverse("learn-risks") == "/learn/risks/"
    assert reverse("learn-sources") == "/learn/sources/"
    assert reverse("learn-topic", args=["aftercare"]) == "/learn/aftercare/"


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_every_page_answers_signed_out_with_a_disclaimer_and_ordered_headings(client: Client, url: str) -> None:
    body = get(client, url)
    assert "not medical advice" in body
    assert 'name="password"' not in body  # no sign-in wall (get() already refused a redirect)
    levels = heading_levels(body)
    assert levels.count(1) == 1 and levels[0] == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after} on {url}"


@pytest.mark.django_db
def test_index_links_every_patient_topic_conditions_and_risks(client: Client) -> None:
    body = get(client, "/learn/")
    for topic in PATIENT_TOPICS:
        assert escape(topic.title) in body
        assert escape(topic.summary) in body
        assert f'href="{public.topic_url(topic)}"' in body
    assert 'href="/learn/conditions/"' in body and 'href="/learn/risks/"' in body
    for key in ("what-to-expect", "aftercare", "who-should-not-have-it", "choosing-a-practitioner"):
        assert f'href="/learn/{key}/"' in body
    assert 'href="/learn/dry-needling-vs-acupuncture/"' in body
    for topic in CLINICIAN_TOPICS:
        assert escape(topic.title) not in body


# --- topics ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("topic", PATIENT_TOPICS, ids=[t.id for t in PATIENT_TOPICS])
def test_each_patient_topic_shows_its_title_sections_and_sources(client: Client, topic) -> None:  # type: ignore[no-untyped-def]
    body = get(client, public.topic_url(topic))
    assert escape(topic.title) in body
    listed = source_items(body)
    assert len(listed) >= 1
    assert set(topic.sources) <= set(listed)
    for section in public.patient_sections(topic):
        assert escape(section.heading) in body


@pytest.mark.django_db
def test_sections_for_clinicians_are_left_out_of_patient_pages(client: Client) -> None:
    topic = KB.topics["dry-needling-vs-acupuncture"]
    hidden = [s for s in topic.sections if s.heading.startswith("For clinicians")]
    assert hidden, "the data no longer has a clinician section here; pick another topic"
    body = get(client, "/learn/dry-needling-vs-acupuncture/")
    assert escape(hidden[0].heading) not in body
    assert "CPT 20560" not in body.split('id="sources"')[0]


@pytest.mark.django_db
def test_unknown_topic_and_condition_are_404(client: Client) -> None:
    assert client.get("/learn/no-such-topic/").status_code == 404
    assert client.get("/learn/conditions/no-such-condition/").status_code == 404


@pytest.mark.django_db
def test_clinician_only_topics_are_404(client: Client) -> None:
    if not CLINICIAN_TOPICS:
        pytest.skip("the knowledge base has no clinician-only topic to check")
    for topic in CLINICIAN_TOPICS:
        assert client.get(f"/learn/{topic.id}/").status_code == 404, topic.id


@pytest.mark.django_db
def test_script_in_topic_text_is_escaped(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    original = KB.topics["aftercare"]
    evil = original.model_copy(
        update={
            "title": "Aftercare <script>alert('t')</script>",
            "sections": (
                TopicSection(heading="<script>alert('h')</script>", body="Hi <script>alert('b')</script>\n- <b>x</b>"),
            ),
        }
    )
    patched = dataclasses.replace(KB, topics={**KB.topics, "aftercare": evil})
    monkeypatch.setattr("needlepoint.atlas.services.load_knowledge", lambda: patched)
    body = get(client, "/learn/aftercare/")
    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(&#x27;b&#x27;)&lt;/script&gt;" in body
    assert "<li>&lt;b&gt;x&lt;/b&gt;</li>" in body


def test_plain_text_filter_builds_paragraphs_and_lists_and_escapes() -> None:
    html = str(plain_text_blocks("One <script>x</script>\nstill one\n\nIntro:\n- a & b\n- c\nAfter"))
    assert html == (
        "<p>One &lt;script&gt;x&lt;/script&gt; still one</p>\n"
        "<p>Intro:</p>\n<ul><li>a &amp; b</li><li>c</li></ul>\n<p>After</p>"
    )


def test_see_also_links_known_ids_only_and_escapes() -> None:
    html = str(link_see_also("<i> (see bruising) (see nothing)", {"bruising": "Bruising"}))
    assert html == '&lt;i&gt; (see <a href="#effect-bruising">bruising</a>) (see nothing)'


# --- conditions -----------------------------------------------------------------------


@pytest.mark.django_db
def test_conditions_list_shows_every_condition_with_a_badge(client: Client) -> None:
    body = get(client, "/learn/conditions/")
    for condition in KB.conditions.values():
        assert f'href="/learn/conditions/{condition.id}/"' in body
        assert escape(condition.plain_name) in body
    assert body.count('class="evidence-badge ev-') >= len(KB.conditions)
    assert "Little direct evidence" in body and "Studies show benefit" in body


@pytest.mark.django_db
def test_conditions_list_search_narrows_the_list(client: Client) -> None:
    body = get(client, "/learn/conditions/?q=elbow")
    assert "Tennis elbow" in body and "Heel pain" not in body


@pytest.mark.django_db
def test_condition_page_shows_evidence_sentences_numbered_sources_and_measures(client: Client) -> None:
    condition = KB.conditions["lateral-epicondylalgia"]
    body = get(client, "/learn/conditions/lateral-epicondylalgia/")
    assert escape(condition.plain_name) in body and escape(condition.plain_summary) in body
    assert "What the research says" in body
    listed = source_items(body)
    for row in condition.evidence:
        assert escape(evidence_sentence(row)) in body
        number = listed.index(row.source) + 1
        assert f'href="#source-{row.source}"><span class="visually-hidden">Source </span>[{number}]</a>' in body
        assert escape(row.effect) in body
    assert "Extensor carpi radialis brevis" in body  # muscle names
    assert "QuickDASH (arm, shoulder and hand)" in body and "Grip strength" in body
    assert ">quickdash<" not in body


@pytest.mark.django_db
def test_condition_without_evidence_says_so(client: Client) -> None:
    assert not KB.conditions["migraine"].evidence
    body = get(client, "/learn/conditions/migraine/")
    assert "Little direct evidence" in body and "no studies that tested dry needling" in body
    assert len(source_items(body)) >= 1


def _row(direction: str, band: str = "short-term") -> Evidence:
    return Evidence(
        comparison="vs sham",
        outcome="pain",
        direction=direction,  # type: ignore[arg-type]
        effect="x",
        effect_measure="narrative",
        timepoint="t",
        timepoint_band=band,  # type: ignore[arg-type]
        quality="low",
        source="gattie-2017",
    )


def test_evidence_badge_rule() -> None:
    assert evidence_badge([]).label == "Little direct evidence"
    assert evidence_badge([_row("no-difference"), _row("unclear")]).label == "Mixed or unclear evidence"
    assert evidence_badge([_row("favours-comparator"), _row("no-difference")]).kind == "against"
    benefit = evidence_badge(
        [_row("favours-dn", "immediate"), _row("favours-dn", "medium-term"), _row("no-difference", "long-term")]
    )
    assert benefit.label == "Studies show benefit (up to 6 months)"
    assert evidence_badge([_row("favours-dn", "short-term")]).label == "Studies show benefit (short term)"


def test_evidence_sentence_reads_as_plain_words() -> None:
    assert evidence_sentence(_row("favours-dn")) == (
        "Compared with sham, dry needling reduced pain more in the short term (up to 12 weeks); "
        "the quality of this evidence is low."
    )
    split = _row("no-difference").model_copy(update={"comparison": "DN plus physiotherapy vs physiotherapy alone"})
    assert evidence_sentence(split).startswith(
        "Compared with physiotherapy alone, dry needling plus physiotherapy showed no clear difference in pain"
    )


# --- risks and sources ----------------------------------------------------------------


@pytest.mark.django_db
def test_risks_page_shows_rates_with_sources_and_the_pneumothorax_red_flag(client: Client) -> None:
    body = get(client, "/learn/risks/")
    listed = source_items(body)
    brady = listed.index("brady-2014") + 1
    cite = f'<a class="cite" href="#source-brady-2014"><span class="visually-hidden">Source </span>[{brady}]</a>'
    assert f"7.55% of 7,629 treatments {cite}" in body
    # Mild events are counted as events, not as treatments with at least one event (issue 11).
    assert "1,463 mild adverse events in 7,629 treatments" in body
    assert "7,531 minor adverse events in 20,464 sessions" in body
    assert "had at least one" not in body
    for band in ("Common", "Uncommon", "Rare", "Very rare"):
        assert f"{band} side effects</h3>" in body
    # the red flag: urgent box plus the pneumothorax row marked serious
    urgent = body.split('class="urgent"')[1].split("</section>")[0]
    assert "short of breath" in urgent and "several hours later" in urgent
    assert escape(KB.adverse_effects["pneumothorax"].what_to_do) in urgent
    assert 'id="effect-pneumothorax" class="is-serious"' in body
    assert 'id="effect-bruising" class="is-serious"' not in body
    # see-also ids in the data become links, not raw ids
    assert '(see <a href="#effect-post-needling-soreness">' in body


@pytest.mark.django_db
def test_sources_page_links_doi_and_pubmed_and_flags_unconfirmed(client: Client) -> None:
    body = get(client, "/learn/sources/")
    brady = KB.references["brady-2014"]
    assert f'href="https://pubmed.ncbi.nlm.nih.gov/{brady.pmid}/"' in body
    with_doi = next(r for r in KB.references.values() if r.doi and r.id in source_items(body))
    assert f'href="https://doi.org/{with_doi.doi}"' in body
    unconfirmed = [r for r in KB.references.values() if r.status == "unconfirmed" and r.id in source_items(body)]
    assert unconfirmed
    assert body.count("details not yet confirmed") == len(unconfirmed)
    assert set(source_items(body)) == set(public.public_source_ids())


# --- signed in ------------------------------------------------------------------------


class SignedInLearnPageTests(ClinicTestCase):
    def test_pages_work_for_clinicians_and_patients(self) -> None:
        for user in (self.alice, self.pat):
            self.login(user)
            for url in PAGES.values():
                response = self.client.get(url)
                assert response.status_code == 200, (user.username, url)
                body = response.content.decode()
                assert "Sign out" in body and "not medical advice" in body
