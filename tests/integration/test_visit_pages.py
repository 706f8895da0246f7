"""The episode and visit-note pages: each section saved through the page (htmx and plain POST),
the live safety check, warnings acknowledged, copy-forward confirmed with one lot, signing after the
needle count, a signed note that no page can change, addenda, the PDFs, the portal's aftercare,
and outsiders refused with 404 on every route."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import mail
from django.test import Client
from tests.integration.test_visits_helpers import VisitTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.visits import services
from needlepoint.visits.models import Addendum, AdverseEvent, Episode, NeedleInsertion, TriggerPointFinding, Visit

HTMX = {"HX-Request": "true"}
ZERO = "00000000-0000-4000-8000-000000000000"

# The needle-log form's fields (prefix "entry-"): quadratus lumborum lies near the lung below the
# 12th rib, where no skin-to-pleura depth is published: a warning to acknowledge, not a block.
TRAPEZIUS = {
    "entry-muscle": "quadratus-lumborum",
    "entry-side": "left",
    "entry-technique": "deep",
    "entry-needle_diameter_mm": "0.30",
    "entry-needle_length_mm": "60",
    "entry-depth_mm": "40",
    "entry-approach": "pincer grip, horizontal",
    "entry-manipulation": "pistoning",
    "entry-ltr_count": "4",
    "entry-retention_minutes": "0.5",
    "entry-needles_used": "1",
    "entry-needle_lots": "LOT-A1",
}
INFRASPINATUS = {
    "entry-muscle": "infraspinatus",
    "entry-side": "left",
    "entry-technique": "deep",
    "entry-needle_diameter_mm": "0.30",
    "entry-needle_length_mm": "15",
    "entry-depth_mm": "12",
    "entry-manipulation": "pistoning",
    "entry-needles_used": "1",
    "entry-needle_lots": "LOT-A1",
}
FINDING = {
    "finding-muscle": "upper-trapezius",
    "finding-side": "left",
    "finding-activity": "active",
    "finding-taut_band": "on",
    "finding-referred_pain": "on",
}


class PageTestCase(VisitTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The pages run in the clinic's zone (Denver), the set-up in UTC: open the episode yesterday
        # so that a visit started through a page is never "before the episode" late in the UTC day.
        yesterday = dt.date.today() - dt.timedelta(days=1)
        Episode.objects.filter(pk=self.episode.pk).update(opened_on=yesterday)
        Visit.objects.filter(pk=self.visit.pk).update(visit_date=yesterday)
        self.episode.refresh_from_db()
        self.visit.refresh_from_db()

    def path(self, name: str = "", visit: Visit | None = None) -> str:
        return f"/visits/{(visit or self.visit).pk}/{name}"

    def token(self, client: Client | None = None) -> str:
        client = client or self.client
        if "csrftoken" not in client.cookies:
            client.get("/patients/")
            if "csrftoken" not in client.cookies:
                client.get("/portal/")
        return client.cookies["csrftoken"].value

    def send(self, path: str, data: dict[str, Any] | None = None, *, htmx: bool = True, version: Any = None) -> Any:
        body: dict[str, Any] = {"csrfmiddlewaretoken": self.token(), **(data or {})}
        if version is not False:
            body.setdefault("version", self.version if version is None else version)
        return self.client.post(path, body, headers=HTMX if htmx else {})

    def page(self, visit: Visit | None = None) -> str:
        response = self.client.get(self.path(visit=visit))
        assert response.status_code == 200
        return response.content.decode()

    def add_entry(self, data: dict[str, str], ack: tuple[str, ...] = ()) -> Any:
        return self.send(self.path("needles/"), {**data, "ack": list(ack)})


# --- episodes ---------------------------------------------------------------------------------


class EpisodePageTests(PageTestCase):
    def test_a_clinician_opens_an_episode_with_condition_code_regions_and_plan(self) -> None:
        self.login(self.alice)
        form = self.client.get(f"/patients/{self.olive.pk}/episodes/new/")
        assert form.status_code == 200 and b"M54.2 \xc2\xb7 Cervicalgia" in form.content
        response = self.send(
            f"/patients/{self.olive.pk}/episodes/new/",
            {
                "diagnosis": "neck-pain|M54.2",
                "regions": ["neck.posterolateral:left", "back.sacrum:"],
                "goals": "Shoulder check when driving",
                "planned_sessions": "6",
                "interval_weeks": "2",
                "co_treatments": ["exercise"],
                "opened_on": "2026-01-05",
            },
            htmx=False,
            version=False,
        )
        episode = Episode.objects.get(patient=self.olive)
        assert response.status_code == 302 and response["Location"] == f"/episodes/{episode.pk}/"
        assert (episode.condition_id, episode.icd10_code, episode.interval_weeks, episode.co_treatments) == (
            "neck-pain",
            "M54.2",
            2,
            ["exercise"],
        )
        assert episode.regions == [
            {"region": "neck.posterolateral", "side": "left"},
            {"region": "back.sacrum", "side": None},
        ]
        detail = self.client.get(response["Location"]).content.decode()
        assert "Neck pain" in detail and "M54.2" in detail and "Start the first visit" in detail

    def test_bad_input_is_named_next_to_the_field(self) -> None:
        self.login(self.alice)
        response = self.send(
            f"/patients/{self.olive.pk}/episodes/new/",
            {"diagnosis": "", "planned_sessions": "99", "interval_weeks": "1", "opened_on": "2026-01-05"},
            htmx=False,
            version=False,
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert html.count('class="field-error"') >= 2 and "less than or equal to 52" in html
        assert not Episode.objects.filter(patient=self.olive).exists()

    def test_only_clinicians_open_episodes(self) -> None:
        self.login(self.fran)
        assert self.client.get(f"/patients/{self.olive.pk}/episodes/new/").status_code == 403
        assert self.client.get(f"/episodes/{self.episode.pk}/").status_code == 200  # front desk reads

    def test_start_a_visit_blank_or_copied_forward(self) -> None:
        self.login(self.alice)
        # Opened yesterday: the page runs in the clinic's zone (Denver), the test in UTC.
        yesterday = dt.date.today() - dt.timedelta(days=1)
        episode = services.create_episode(
            self.alice,
            self.olive.pk,
            {"condition": "neck-pain", "icd10_code": "M54.2", "planned_sessions": 4, "opened_on": yesterday},
        )
        refused = self.send(f"/episodes/{episode.pk}/visits/new/", {"mode": "copy"}, htmx=False, version=False)
        assert refused.status_code == 302 and not Visit.objects.filter(episode=episode).exists()
        started = self.send(f"/episodes/{episode.pk}/visits/new/", {"mode": "blank"}, htmx=False, version=False)
        visit = Visit.objects.get(episode=episode)
        assert started["Location"] == f"/visits/{visit.pk}/"

    def test_the_patient_page_lists_episodes_and_offers_the_follow_up(self) -> None:
        self.insert()
        self.sign()
        self.login(self.alice)
        html = self.client.get(f"/patients/{self.pat_record.pk}/").content.decode()
        assert "Episodes of care and visits" in html and "Neck pain" in html
        assert "Start follow-up from last visit" in html and "New episode" in html
        self.login(self.fran)
        html = self.client.get(f"/patients/{self.pat_record.pk}/").content.decode()
        assert "Neck pain" in html and "Start follow-up" not in html and "New episode" not in html


# --- the draft note ---------------------------------------------------------------------------


class DraftNoteTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.alice)

    def test_the_editor_shows_every_section_and_the_read_is_audited(self) -> None:
        html = self.page()
        for text in ("Pain drawing", "Trigger-point findings", "Needle log", "After treatment", "Sign note"):
            assert text in html, text
        assert 'id="note-version" name="version" value="1"' in html and 'id="painmap"' in html
        assert AuditEvent.objects.filter(action="read", object_id=str(self.visit.pk)).count() == 1

    def test_the_pain_drawing_is_saved_and_ranks_trigger_points(self) -> None:
        response = self.send(self.path("pain-drawing/"), {"mark": ["neck.posterolateral:left:7", "head.temple:left:5"]})
        assert response.status_code == 200 and response["HX-Trigger"] == "note-changed"
        html = response.content.decode()
        assert 'data-testid="suggestions"' in html and "Upper trapezius, left" in html
        assert 'id="note-version" name="version" value="2" hx-swap-oob="true"' in html
        assert list(self.fresh().pain_marks.values_list("region", "side", "intensity")) == [
            ("head.temple", "left", 5),
            ("neck.posterolateral", "left", 7),
        ]

    def test_a_bad_pain_drawing_is_refused_with_the_reason(self) -> None:
        response = self.send(self.path("pain-drawing/"), {"mark": ["nowhere:left:7"]})
        assert response.status_code == 422 and b"is not a body region" in response.content
        assert self.version == 1

    def test_pain_ratings_and_notes(self) -> None:
        assert self.send(self.path("pain-ratings/"), {"pain_before": "7"}).status_code == 200
        assert self.send(self.path("pain-ratings/"), {"pain_after": "3"}).status_code == 200
        assert self.send(self.path("notes/"), {"notes": "Plan: review in a week."}).status_code == 200
        visit = self.fresh()
        assert (visit.pain_before, visit.pain_after, visit.notes, visit.version) == (7, 3, "Plan: review in a week.", 4)
        # The same value again changes nothing (no new version).
        assert self.send(self.path("pain-ratings/"), {"pain_before": "7"}).status_code == 200
        assert self.version == 4
        assert self.send(self.path("pain-ratings/"), {"pain_before": "11"}).status_code == 422

    def test_findings_are_added_and_removed(self) -> None:
        response = self.send(self.path("findings/"), FINDING)
        assert response.status_code == 200 and b"Upper trapezius" in response.content
        finding = TriggerPointFinding.objects.get(visit=self.visit)
        assert (finding.activity, finding.taut_band, finding.tender_nodule, finding.referred_pain) == (
            "active",
            True,
            False,
            True,
        )
        again = self.send(self.path("findings/"), FINDING)
        assert again.status_code == 422 and b"already has a finding" in again.content
        missing = self.send(self.path("findings/"), {"finding-muscle": "upper-trapezius"})
        assert missing.status_code == 422 and missing.content.count(b'class="field-error"') == 2
        assert self.send(self.path(f"findings/{finding.pk}/remove/")).status_code == 200
        assert not TriggerPointFinding.objects.exists()

    def test_without_htmx_a_save_returns_to_the_page_and_errors_show_on_it(self) -> None:
        response = self.send(self.path("findings/"), FINDING, htmx=False)
        assert response.status_code == 302 and response["Location"] == self.path() + "#findings"
        assert self.client.get(self.path("findings/")).status_code == 405
        response = self.send(self.path("findings/"), FINDING, htmx=False)
        assert response.status_code == 422 and b"already has a finding" in response.content
        assert b"<html" in response.content

    def test_co_interventions_and_the_episodes_planned_ones(self) -> None:
        html = self.page()
        assert "+ Exercise" in html and "+ Stretching" in html
        assert self.send(self.path("co-interventions/"), {"co-kind": "exercise"}).status_code == 200
        response = self.send(self.path("co-interventions/"), {"co-kind": "other", "co-details": "Heat pack"})
        assert (
            response.status_code == 200 and b"Heat pack" in response.content and b"+ Exercise" not in response.content
        )
        row = self.fresh().co_interventions.first()
        assert self.send(self.path(f"co-interventions/{row.pk}/remove/")).status_code == 200
        assert self.fresh().co_interventions.count() == 1

    def test_a_stale_version_is_explained_and_nothing_is_saved(self) -> None:
        services.record_notes(self.bob, self.visit.pk, 1, "Bob was here")
        response = self.send(self.path("pain-ratings/"), {"pain_before": "6"}, version=1)
        assert response.status_code == 409 and response["HX-Retarget"] == "#note-alert"
        html = response.content.decode()
        assert "changed by Bob Okafor" in html and "reload" in html and "Reload the note" in html
        assert self.fresh().pain_before is None
        plain = self.send(self.path("pain-ratings/"), {"pain_before": "6"}, version=1, htmx=False)
        assert plain.status_code == 409 and b"changed by Bob Okafor" in plain.content

    def test_front_desk_reads_the_draft_but_cannot_write(self) -> None:
        self.login(self.fran)
        html = self.page()
        assert "Only clinicians can write notes" in html and 'id="drawing-form"' not in html
        assert self.send(self.path("pain-ratings/"), {"pain_before": "6"}).status_code == 403

    def test_a_draft_can_be_discarded(self) -> None:
        response = self.send(self.path("discard/"))
        assert response.status_code == 204 and response["HX-Redirect"] == f"/episodes/{self.episode.pk}/"
        assert not Visit.objects.filter(pk=self.visit.pk).exists()


# --- the needle log ---------------------------------------------------------------------------


class NeedleLogPageTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.alice)

    def test_the_live_check_shows_warnings_blocks_and_the_atlas_guidance(self) -> None:
        warned = self.send(self.path("needles/check/"), TRAPEZIUS).content.decode()
        assert 'name="ack" value="lung-depth-not-published"' in warned
        assert "Atlas guidance for Quadratus lumborum" in warned and "near the lung" in warned
        lung = {**TRAPEZIUS, "entry-muscle": "upper-trapezius", "entry-needle_length_mm": "30", "entry-depth_mm": "25"}
        too_deep = self.send(self.path("needles/check/"), lung).content.decode()
        assert "Cannot be logged" in too_deep and "chest-wall-depth" in too_deep and "lower bound" in too_deep
        blocked = self.send(
            self.path("needles/check/"), {**INFRASPINATUS, "entry-technique": "superficial", "entry-depth_mm": "15"}
        ).content.decode()
        assert "Cannot be logged" in blocked and "superficial-too-deep" in blocked
        ok = self.send(self.path("needles/check/"), INFRASPINATUS).content.decode()
        assert "Safety checks passed" in ok
        partial = self.send(self.path("needles/check/"), {"entry-muscle": "infraspinatus"}).content.decode()
        assert "choose the side" in partial
        assert not NeedleInsertion.objects.exists() and self.version == 1

    def test_the_live_check_uses_the_lot_for_the_visit(self) -> None:
        no_lot = {**INFRASPINATUS, "entry-needle_lots": ""}
        assert b"needle-lot-missing" in self.send(self.path("needles/check/"), no_lot).content
        assert b"Safety checks passed" in self.send(self.path("needles/check/"), {**no_lot, "lot": "LOT-9"}).content

    def test_a_warning_must_be_acknowledged_and_the_acknowledgement_is_kept(self) -> None:
        refused = self.add_entry(TRAPEZIUS)
        assert refused.status_code == 422
        assert b"Nothing was logged: tick each warning" in refused.content and not NeedleInsertion.objects.exists()
        logged = self.add_entry(TRAPEZIUS, ack=("lung-depth-not-published",))
        assert logged.status_code == 200
        entry = NeedleInsertion.objects.get()
        assert [a["code"] for a in entry.acknowledgements] == ["lung-depth-not-published"]
        assert entry.acknowledgements[0]["by_name"] == "Alice Chen" and entry.needle_lots == ["LOT-A1"]
        assert entry.retention_seconds == 30 and entry.ltr_count == 4
        assert "1 warning acknowledged" in logged.content.decode()

    def test_a_block_refuses_the_entry_and_marks_the_field(self) -> None:
        response = self.add_entry({**INFRASPINATUS, "entry-technique": "superficial", "entry-depth_mm": "15"})
        html = response.content.decode()
        assert response.status_code == 422 and "superficial-too-deep" in html
        assert re.search(r'class="field has-error num">\s*<label for="id_entry-depth_mm"', html)
        assert not NeedleInsertion.objects.exists()

    def test_the_lot_for_the_visit_goes_on_new_entries_without_one(self) -> None:
        response = self.add_entry({**INFRASPINATUS, "entry-needle_lots": "", "lot": "LOT-77"})
        assert response.status_code == 200 and 'value="LOT-77"' in response.content.decode()
        assert NeedleInsertion.objects.get().needle_lots == ["LOT-77"]

    def test_two_needles_from_one_box_are_logged_and_counted(self) -> None:
        empty = self.page()
        assert re.search(r'name="entry-needles_used" value="1"', empty)  # one needle to start with
        response = self.add_entry({**INFRASPINATUS, "entry-needles_used": "2", "entry-needle_lots": "LOT-A1, LOT-A1"})
        assert response.status_code == 200
        entry = NeedleInsertion.objects.get()
        assert (entry.needles_used, entry.needle_lots) == (2, ["LOT-A1"])
        html = response.content.decode()
        assert "2 needles · lot LOT-A1" in html and "needle-reuse" not in html
        assert '<span id="needles-used" hx-swap-oob="true">2</span>' in html
        page = self.page()
        assert 'Needles logged in this note: <span id="needles-used">2</span>' in page
        assert re.search(r'name="needles_opened" value="2"', page)
        form = self.client.get(self.path(f"needles/{entry.pk}/"), headers=HTMX).content.decode()
        assert re.search(r'name="entry-needles_used" value="2"', form) and 'value="LOT-A1"' in form

    def test_the_number_of_needles_is_asked_for(self) -> None:
        partial = {k: v for k, v in INFRASPINATUS.items() if k != "entry-needles_used"}
        assert "the number of needles used" in self.send(self.path("needles/check/"), partial).content.decode()
        refused = self.add_entry(partial)
        assert refused.status_code == 422 and not NeedleInsertion.objects.exists()
        assert re.search(r'class="field has-error num">\s*<label for="id_entry-needles_used"', refused.content.decode())
        too_many_lots = self.add_entry({**INFRASPINATUS, "entry-needle_lots": "LOT-A1, LOT-A2"})
        assert too_many_lots.status_code == 422 and b"2 different lots for 1 needle" in too_many_lots.content
        assert not NeedleInsertion.objects.exists()

    def test_electrical_stimulation_needs_its_settings(self) -> None:
        estim = {**INFRASPINATUS, "entry-electrical_stimulation": "on"}
        refused = self.add_entry(estim)
        assert refused.status_code == 422 and b"required with electrical stimulation" in refused.content
        more = {
            "entry-estim_frequency_hz": "2",
            "entry-estim_pulse_width_us": "250",
            "entry-estim_intensity_ma": "3",
            "entry-estim_minutes": "10",
        }
        assert self.add_entry({**estim, **more}).status_code == 200
        entry = NeedleInsertion.objects.get()
        assert entry.electrical_stimulation and entry.estim_minutes == 10

    def test_an_entry_is_changed_and_removed(self) -> None:
        self.add_entry(INFRASPINATUS)
        entry = NeedleInsertion.objects.get()
        form = self.client.get(self.path(f"needles/{entry.pk}/"), headers=HTMX)
        assert form.status_code == 200 and b"Change the entry" in form.content and b'value="12"' in form.content
        changed = self.send(self.path(f"needles/{entry.pk}/"), {**INFRASPINATUS, "entry-depth_mm": "10"})
        assert changed.status_code == 200
        entry.refresh_from_db()
        assert entry.depth_mm == 10
        assert self.send(self.path(f"needles/{entry.pk}/remove/")).status_code == 200
        assert not NeedleInsertion.objects.exists()

    def test_not_ready_patients_cannot_be_needled(self) -> None:
        from django.utils import timezone

        from needlepoint.consent.models import ConsentRecord

        ConsentRecord.objects.filter(patient=self.pat_record).update(withdrawn_at=timezone.now())
        assert "Not ready for dry needling" in self.page()
        check = self.send(self.path("needles/check/"), INFRASPINATUS).content.decode()
        assert "Cannot be logged" in check and "consent" in check
        refused = self.add_entry(INFRASPINATUS)
        assert refused.status_code == 409 and not NeedleInsertion.objects.exists()


class FollowUpTests(PageTestCase):
    """Copy-forward: the entries come over unconfirmed; one lot and one click confirm them."""

    def setUp(self) -> None:
        super().setUp()
        self.login(self.alice)
        self.insert()
        self.insert(
            muscle="quadratus-lumborum", depth_mm="40", needle_length_mm="60", ack=("lung-depth-not-published",)
        )
        services.record_pain_drawing(
            self.alice, self.visit.pk, self.version, [{"region": "neck.posterolateral", "side": "left", "intensity": 7}]
        )
        self.sign(opened=2, removed=2)
        started = self.send(f"/episodes/{self.episode.pk}/visits/new/", {"mode": "copy"}, htmx=False, version=False)
        self.follow_up = Visit.objects.exclude(pk=self.visit.pk).get()
        assert started["Location"] == self.path(visit=self.follow_up)

    def test_the_copied_entries_are_confirmed_with_the_lot_and_warnings_acknowledged_per_entry(self) -> None:
        html = self.page(self.follow_up)
        assert "Confirm 2 copied entries" in html and "Started from the last visit" in html
        assert 'value="neck.posterolateral:left:7"' in html
        path = self.path("needles/confirm/", self.follow_up)
        first = self.send(path, {"lot": "LOT-B2"}, version=self.fresh(self.follow_up).version)
        assert first.status_code == 422
        html = first.content.decode()
        assert (
            "1 entry confirmed" in html and f'name="ack-{self.trapezius().pk}" value="lung-depth-not-published"' in html
        )
        assert self.infraspinatus().checked_at is not None and self.infraspinatus().needle_lots == ["LOT-B2"]
        assert self.trapezius().checked_at is None
        second = self.send(
            path,
            {"lot": "LOT-B2", f"ack-{self.trapezius().pk}": "lung-depth-not-published"},
            version=self.fresh(self.follow_up).version,
        )
        assert second.status_code == 200 and self.trapezius().checked_at is not None
        assert self.trapezius().needle_lots == ["LOT-B2"]
        sign = self.client.get(
            self.path("sign/check/", self.follow_up), {"needles_opened": "2", "needles_removed": "2"}
        )
        assert b"the note can be signed" in sign.content

    def trapezius(self) -> NeedleInsertion:
        """The entry with a warning to acknowledge (quadratus lumborum, near the lung)."""
        return NeedleInsertion.objects.get(visit=self.follow_up, muscle_id="quadratus-lumborum")

    def infraspinatus(self) -> NeedleInsertion:
        return NeedleInsertion.objects.get(visit=self.follow_up, muscle_id="infraspinatus")


# --- signing, the signed note, addenda --------------------------------------------------------


class SigningTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.alice)
        self.insert()

    def test_a_needle_count_mismatch_blocks_signing_and_says_so(self) -> None:
        check = self.client.get(self.path("sign/check/"), {"needles_opened": "3", "needles_removed": "2"})
        assert b"1 needle opened but not accounted for" in check.content
        response = self.send(self.path("sign/"), {"needles_opened": "3", "needles_removed": "2"})
        assert response.status_code == 422 and b"Not signed." in response.content
        assert b"1 needle opened but not accounted for" in response.content and not self.fresh().is_signed

    def test_signing(self) -> None:
        assert 'Needles logged in this note: <span id="needles-used">1</span>' in self.page()
        response = self.send(self.path("sign/"), {"needles_opened": "1", "needles_removed": "1"})
        assert response.status_code == 204 and response["HX-Redirect"] == self.path()
        visit = self.fresh()
        assert visit.is_signed and visit.cpt_codes == ["20560"] and visit.icd10_code == "M54.2"
        html = self.page()
        assert "Signed by <strong>Alice Chen</strong>" in html and 'data-testid="summary-line"' in html
        assert "Needled: infraspinatus L" in html and "CPT 20560" in html
        assert "How the CPT code is chosen" in html and "CPT 20560: 1 muscle (infraspinatus)." in html
        assert 'id="drawing-form"' not in html and "Add addendum" in html and "Superbill PDF" in html


class SignedNoteTests(PageTestCase):
    """A signed note cannot be changed through any page; addenda and adverse events are added beside it."""

    def setUp(self) -> None:
        super().setUp()
        self.login(self.alice)
        result = self.insert()
        self.entry = result.insertion
        services.add_finding(
            self.alice, self.visit.pk, self.version, {"muscle": "infraspinatus", "side": "left", "activity": "active"}
        )
        services.add_co_intervention(self.alice, self.visit.pk, self.version, {"kind": "exercise"})
        self.finding = TriggerPointFinding.objects.get()
        self.co = self.fresh().co_interventions.get()
        self.sign()

    def test_every_write_route_refuses_a_signed_note(self) -> None:
        before = services.visit_summary(self.fresh())
        writes = [
            ("pain-drawing/", {"mark": ["neck.posterolateral:left:3"]}),
            ("pain-ratings/", {"pain_before": "2"}),
            ("pain-ratings/", {"pain_after": "2"}),
            ("notes/", {"notes": "changed"}),
            ("findings/", FINDING),
            (f"findings/{self.finding.pk}/remove/", {}),
            ("needles/", TRAPEZIUS),
            ("needles/confirm/", {"lot": "X"}),
            (f"needles/{self.entry.pk}/", INFRASPINATUS),
            (f"needles/{self.entry.pk}/remove/", {}),
            ("co-interventions/", {"co-kind": "massage"}),
            (f"co-interventions/{self.co.pk}/remove/", {}),
            ("sign/", {"needles_opened": "1", "needles_removed": "1"}),
            ("discard/", {}),
        ]
        for route, data in writes:
            for htmx in (True, False):
                response = self.send(self.path(route), data, htmx=htmx)
                assert response.status_code in (200, 409), (route, htmx, response.status_code)
                if response.status_code == 409:
                    assert b"can no longer be changed" in response.content, route
        after = services.visit_summary(self.fresh())
        assert before == after

    def test_an_addendum_is_added_dated_and_by_its_author(self) -> None:
        self.login(self.bob)
        response = self.send(self.path("addenda/"), {"text": "Patient phoned: soreness settled."})
        assert response.status_code == 200 and b"Addendum by <strong>Bob Okafor</strong>" in response.content
        assert Addendum.objects.get().author == self.bob
        short = self.send(self.path("addenda/"), {"text": "ok"})
        assert short.status_code == 422 and Addendum.objects.count() == 1

    def test_an_adverse_event_is_recorded_on_a_signed_note_and_a_serious_one_alerts(self) -> None:
        page = self.page()
        assert "Record an adverse event" in page and "Needs urgent medical care" in page
        response = self.send(
            self.path("adverse-events/"),
            {
                "ae-kind": "pneumothorax",
                "ae-severity": "serious",
                "ae-action_taken": "Sent to the emergency department",
                "ae-occurred_on": self.fresh().visit_date.isoformat(),
            },
        )
        assert response.status_code == 200 and b"Clinic administrators alerted" in response.content
        assert AdverseEvent.objects.get().severity == "serious" and len(mail.outbox) == 1
        missing = self.send(
            self.path("adverse-events/"),
            {
                "ae-kind": "bleeding",
                "ae-severity": "significant",
                "ae-occurred_on": self.fresh().visit_date.isoformat(),
            },
        )
        assert missing.status_code == 422 and b"Say what was done about it" in missing.content

    def test_an_addendum_is_for_signed_notes_only(self) -> None:
        draft = services.copy_forward(self.alice, self.episode.pk)
        response = self.send(self.path("addenda/", draft), {"text": "Too early"}, version=1)
        assert response.status_code == 409 and not Addendum.objects.exists()


# --- documents and the portal -----------------------------------------------------------------


class DocumentTests(PageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.insert()
        services.record_pain_drawing(
            self.alice, self.visit.pk, self.version, [{"region": "neck.posterolateral", "side": "left", "intensity": 7}]
        )
        services.record_pain_ratings(self.alice, self.visit.pk, self.version, before=7, after=3)

    def pdf(self, path: str) -> bytes:
        response = self.client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        return response.content

    def test_the_pdfs_open_for_staff(self) -> None:
        self.login(self.alice)
        self.pdf(self.path("note.pdf"))
        self.pdf(self.path("aftercare.pdf"))
        assert self.client.get(self.path("superbill.pdf")).status_code == 302  # a draft has no superbill
        self.sign()
        self.pdf(self.path("superbill.pdf"))
        self.login(self.fran)
        self.pdf(self.path("note.pdf"))

    def test_the_aftercare_appears_in_the_patients_portal_once_signed(self) -> None:
        self.login(self.pat)
        assert "After your visit" not in self.client.get("/portal/").content.decode()
        assert self.client.get(f"/portal/aftercare/{self.visit.pk}/").status_code == 404
        self.sign()
        home = self.client.get("/portal/").content.decode()
        assert f'href="/portal/aftercare/{self.visit.pk}/"' in home
        page = self.client.get(f"/portal/aftercare/{self.visit.pk}/").content.decode()
        assert "What to expect" in page and "Infraspinatus" in page.replace("infraspinatus", "Infraspinatus")
        self.pdf(f"/portal/aftercare/{self.visit.pk}.pdf")
        assert AuditEvent.objects.filter(
            action="read", object_id=str(self.visit.pk), actor_name="Pat Kowalski"
        ).exists()


# --- outsiders --------------------------------------------------------------------------------

STAFF_GET = [
    "/episodes/{episode}/",
    "/visits/{visit}/",
    "/visits/{visit}/sign/check/",
    "/visits/{visit}/needles/{entry}/",
    "/visits/{visit}/note.pdf",
    "/visits/{visit}/aftercare.pdf",
    "/visits/{visit}/superbill.pdf",
    "/patients/{patient}/episodes/new/",
]
STAFF_POST = [
    "/patients/{patient}/episodes/new/",
    "/episodes/{episode}/visits/new/",
    "/visits/{visit}/pain-drawing/",
    "/visits/{visit}/pain-ratings/",
    "/visits/{visit}/notes/",
    "/visits/{visit}/findings/",
    "/visits/{visit}/findings/{finding}/remove/",
    "/visits/{visit}/needles/",
    "/visits/{visit}/needles/check/",
    "/visits/{visit}/needles/confirm/",
    "/visits/{visit}/needles/{entry}/",
    "/visits/{visit}/needles/{entry}/remove/",
    "/visits/{visit}/co-interventions/",
    "/visits/{visit}/co-interventions/{co}/remove/",
    "/visits/{visit}/adverse-events/",
    "/visits/{visit}/sign/",
    "/visits/{visit}/discard/",
    "/visits/{visit}/addenda/",
]
PORTAL_GET = ["/portal/aftercare/{visit}/", "/portal/aftercare/{visit}.pdf"]


class OutsiderTests(PageTestCase):
    """Every route of these pages answers 404 to another clinic, to patients on staff pages and to
    other patients in the portal, exactly as for an id that never existed."""

    def setUp(self) -> None:
        super().setUp()
        entry = self.insert().insertion
        services.add_finding(
            self.alice, self.visit.pk, self.version, {"muscle": "infraspinatus", "side": "left", "activity": "latent"}
        )
        services.add_co_intervention(self.alice, self.visit.pk, self.version, {"kind": "exercise"})
        self.ids = {
            "patient": self.pat_record.pk,
            "episode": self.episode.pk,
            "visit": self.visit.pk,
            "entry": entry.pk,
            "finding": TriggerPointFinding.objects.get().pk,
            "co": self.fresh().co_interventions.get().pk,
        }
        self.sign()
        self.before = services.visit_summary(self.fresh())

    def paths(self, templates: list[str], **ids: Any) -> list[str]:
        return [t.format(**{**self.ids, **ids}) for t in templates]

    def refused(self, user: Any, *, staff: bool) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.login(user)
        token = self.token()
        gets = self.paths(STAFF_GET) if staff else self.paths(PORTAL_GET)
        posts = self.paths(STAFF_POST) if staff else []
        for path in gets:
            response = self.client.get(path)
            assert response.status_code == 404, (user.username, path, response.status_code)
            assert b"Neck pain" not in response.content and b"infraspinatus" not in response.content.lower()
            if user != self.pat:  # (the patient's own name is in the page's top bar)
                assert b"Kowalski" not in response.content
        for path in posts:
            for headers in ({}, HTMX):
                response = self.client.post(path, {"csrfmiddlewaretoken": token, "version": "2"}, headers=headers)
                assert response.status_code == 404, (user.username, path, response.status_code)
            # The wrong method too: 404, never a 405 that would confirm the id.
            assert self.client.get(path).status_code == 404, (user.username, "GET", path)
        for path in gets:
            response = self.client.post(path, {"csrfmiddlewaretoken": token})
            assert response.status_code == 404, (user.username, "POST", path, response.status_code)
        assert services.visit_summary(self.fresh()) == self.before

    def test_another_clinic_gets_404_everywhere(self) -> None:
        self.refused(self.charlie, staff=True)

    def test_patients_get_404_on_staff_pages_even_for_their_own_record(self) -> None:
        self.refused(self.pat, staff=True)

    def test_staff_get_404_in_the_portal(self) -> None:
        for user in (self.alice, self.ada, self.charlie):
            self.refused(user, staff=False)

    def test_another_patient_gets_404_in_the_portal(self) -> None:
        from tests.base import make_user

        olive_login = make_user("olive", self.clinic, "patient", "Olive", "Brennan")
        self.olive.user = olive_login
        self.olive.save()
        self.refused(olive_login, staff=False)
        self.client.force_login(self.pat)
        assert self.client.get(f"/portal/aftercare/{self.visit.pk}/").status_code == 200

    def test_unknown_and_foreign_ids_answer_alike(self) -> None:
        self.login(self.charlie)
        strip = re.compile(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
        for template in ("/visits/{}/", "/episodes/{}/", "/visits/{}/note.pdf"):
            foreign = self.client.get(template.format(self.visit.pk if "visits" in template else self.episode.pk))
            missing = self.client.get(template.format(ZERO))
            assert foreign.status_code == missing.status_code == 404
            assert strip.sub(b"", foreign.content) == strip.sub(b"", missing.content)

    def test_signed_out_users_go_to_the_login(self) -> None:
        self.client = Client()
        for path in self.paths(STAFF_GET) + self.paths(PORTAL_GET):
            response = self.client.get(path)
            assert response.status_code == 302 and response["Location"].startswith("/login/"), path
