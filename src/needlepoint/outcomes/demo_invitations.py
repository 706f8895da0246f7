"""Demo data for questionnaire invitations: each demo patient with a portal login and an e-mail
address gets an invitation to a questionnaire the atlas suggests for their latest episode (one
they have not answered in it yet, if any), due now, so the portal shows it and ``needlepoint
worker`` e-mails its link. Created through the services (audited), and idempotent: an episode that
already has invitations is left alone."""

from __future__ import annotations

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.errors import InvalidInput
from needlepoint.outcomes.models import QuestionnaireInvitation, QuestionnaireResponse, Timepoint
from needlepoint.outcomes.services import invitations
from needlepoint.patients.models import Patient
from needlepoint.visits.models import Episode


def seed_demo_invitations(clinic: Clinic) -> int:
    """Returns how many invitations were created."""
    clinician = User.objects.filter(clinic=clinic, role=Role.CLINICIAN, is_active=True).order_by("pk").first()
    if clinician is None:
        return 0
    created = 0
    patients = Patient.objects.filter(clinic=clinic, user__isnull=False).exclude(email="").order_by("chart_number")
    for patient in patients:
        episode = Episode.objects.filter(patient=patient).order_by("-opened_on").first()
        if episode is None or QuestionnaireInvitation.objects.filter(episode=episode).exists():
            continue
        suggested = invitations.suggested_questionnaires(episode.condition_id) or ["psfs"]
        answered = set(QuestionnaireResponse.objects.filter(episode=episode).values_list("questionnaire", flat=True))
        # One not answered yet in this course (its baseline), else the first again (before treatment).
        questionnaire = next((q for q in suggested if q not in answered), suggested[0])
        if episode.closed_on:
            timepoint = Timepoint.DISCHARGE
        elif questionnaire in answered:
            timepoint = Timepoint.VISIT_PRE
        else:
            timepoint = Timepoint.BASELINE
        try:
            invitations.invite(
                clinician,
                patient_id=patient.pk,
                episode_id=episode.pk,
                questionnaire_id=questionnaire,
                timepoint=timepoint,
            )
        except InvalidInput:
            continue
        created += 1
    return created
