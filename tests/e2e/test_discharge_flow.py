"""The plan of care in a browser: the clinician changes the plan, discharges with a reason and the
long-term follow-up questionnaires, then reopens the episode, which withdraws them."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect
from tests.e2e.test_patient_progress_journey import journey  # noqa: F401 - the shared set-up

from needlepoint.outcomes.models import QuestionnaireInvitation
from needlepoint.visits.models import Episode


def test_change_the_plan_discharge_and_reopen(
    page: Page,
    live_server: Any,
    sign_in: Any,
    journey: dict[str, Any],  # noqa: F811
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    episode: Episode = journey["episode"]
    sign_in("alice", next_path=f"/episodes/{episode.pk}/")

    page.get_by_role("link", name="Change the plan").click()
    expect(page.get_by_role("heading", name="Change the plan of care")).to_be_visible()
    page.get_by_label("Planned sessions").fill("8")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Plan of care saved.")).to_be_visible()
    expect(page.get_by_text("3 of 8 planned")).to_be_visible()

    page.get_by_role("link", name="Discharge").click()
    expect(page.get_by_role("heading", name="Discharge", exact=True)).to_be_visible()
    expect(page.get_by_label("Neck Disability Index")).to_be_checked()  # the condition's questionnaire
    page.get_by_label("Goals met").check()
    page.get_by_label("Discharge summary").fill("Reverses the car without pain; keeps the stretches going.")
    page.get_by_role("button", name="Discharge").click()
    expect(page.get_by_text("follow-up questionnaires scheduled")).to_be_visible()
    expect(page.get_by_test_id("discharged")).to_contain_text("Goals met")
    expect(page.get_by_role("link", name="Change the plan")).to_have_count(0)
    pending = QuestionnaireInvitation.objects.filter(episode=episode, cancelled_at__isnull=True)
    scheduled = pending.count()
    assert scheduled >= 4 and set(pending.values_list("timepoint", flat=True)) >= {"week_6", "month_12"}

    page.get_by_text("Reopen this episode").click()
    page.get_by_label("Why is it reopened?").fill("Flare-up within the course")
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_text(f"{scheduled} follow-up questionnaires not yet answered withdrawn.")).to_be_visible()
    assert Episode.objects.get(pk=episode.pk).closed_on is None
    assert not pending.exists()
    assert errors == [], errors
