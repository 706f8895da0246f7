"""Demo data for questionnaire invitations: each demo patient with a portal login and an e-mail
address gets an invitation to the first questionnaire the atlas suggests for their latest episode,
due now, so the portal shows it and ``needlepoint worker`` e-mails its link. Created through the
services (audited), and idempotent: an episode that already has invitations is left alone."""

from __future__ import annotations

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.errors import InvalidInput
from needlepoint.outcomes.models import QuestionnaireInvitation, Timepoint
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
        try:
            invitations.invite(
                clinician,
                patient_id=patient.pk,
                episode_id=episode.pk,
                questionnaire_id=suggested[0],
                timepoint=Timepoint.DISCHARGE if episode.closed_on else Timepoint.BASELINE,
            )
        except InvalidInput:
            continue
        created += 1
    return created
