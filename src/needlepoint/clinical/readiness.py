"""May this patient be needled now? Current consent and a current, not contraindicated screening.

Pure: the service layer reads the patient's latest screening and consent and passes their state.
Informed consent and screening before needling: ahpcsa-bn121 (inability to consent is an absolute
contraindication) and mcevoy-2012. How long a screening stays current is the clinic's policy
(default 30 days); consent holds until withdrawn or until the clinic publishes a new major version
of its consent form (the form the patient agreed to no longer describes the treatment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_SCREENING_VALID_DAYS = 30
SOURCES = ("ahpcsa-bn121", "mcevoy-2012")


@dataclass(frozen=True)
class ScreeningState:
    status: str  # contraindicated | precautions | clear
    completed_at: dt.datetime
    valid_days: int = DEFAULT_SCREENING_VALID_DAYS
    superseded: bool = False  # answers changed since: a newer screening replaces it

    def expires_at(self) -> dt.datetime:
        return self.completed_at + dt.timedelta(days=self.valid_days)

    def is_current(self, now: dt.datetime) -> bool:
        return not self.superseded and self.completed_at <= now < self.expires_at()


@dataclass(frozen=True)
class ConsentState:
    signed_at: dt.datetime
    form_major_version: int
    latest_major_version: int
    withdrawn_at: dt.datetime | None = None

    def is_current(self, now: dt.datetime) -> bool:
        return (
            self.withdrawn_at is None and self.signed_at <= now and self.form_major_version >= self.latest_major_version
        )


@dataclass(frozen=True)
class Readiness:
    allowed: bool
    reasons: tuple[str, ...]


def screening_problem(screening: ScreeningState | None, now: dt.datetime) -> str | None:
    if screening is None:
        return "No screening on record: screen the patient first."
    if screening.superseded:
        return "The screening answers changed since: review the new screening."
    if now >= screening.expires_at():
        return f"The screening expired on {screening.expires_at():%Y-%m-%d}: screen again."
    if screening.status == "contraindicated":
        return "The current screening found an absolute contraindication: do not needle today."
    return None


def consent_problem(consent: ConsentState | None, now: dt.datetime) -> str | None:
    if consent is None:
        return "No signed consent on record."
    if consent.withdrawn_at is not None and consent.withdrawn_at <= now:
        return f"The patient withdrew consent on {consent.withdrawn_at:%Y-%m-%d}."
    if consent.form_major_version < consent.latest_major_version:
        return (
            f"Consent was given to version {consent.form_major_version} of the form; "
            f"version {consent.latest_major_version} needs a new signature."
        )
    return None


def may_needle(screening: ScreeningState | None, consent: ConsentState | None, now: dt.datetime) -> Readiness:
    """Needling may be recorded only with current consent and a current, not contraindicated screening."""
    reasons = tuple(r for r in (screening_problem(screening, now), consent_problem(consent, now)) if r)
    return Readiness(allowed=not reasons, reasons=reasons)
