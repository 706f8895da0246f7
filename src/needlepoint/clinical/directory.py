"""Who the public practitioner directory lists, and what it may say about their credentials.

A practitioner is listed only when the public can rely on what the page says:

- the clinic has verified the licence, and ``check_practitioner`` (clinical/credentials.py) finds
  nothing that blocks needling today: a licence is recorded and in force, a dry-needling
  certification is current, the jurisdiction permits it and the training hours meet its minimum
  (fsbpt-2017 for training; jurisdiction rules from knowledge/data/jurisdictions.yaml);
- at least one current certification has been verified by the clinic. ``check_practitioner`` only
  warns about an unverified certification (the clinician may still needle after acknowledging it),
  but a public page must not present an unchecked certificate as current.

Warnings that need the practitioner's own confirmation (a silent practice act, years of licensure)
are for the clinic, not the public page, and do not stop a listing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from needlepoint.clinical.credentials import TRAINING_SOURCE, Credentials, check_practitioner
from needlepoint.knowledge.regulation import JurisdictionTable

SOURCE = TRAINING_SOURCE


@dataclass(frozen=True)
class PublicCredentials:
    """What the directory shows: the licence's jurisdiction and the certification's validity."""

    licence_jurisdiction: str
    certified_until: dt.date | None  # None: a current verified certification without an expiry date
    certification_hours: float  # of the current, verified certifications


def public_credentials(
    creds: Credentials, *, licence_verified: bool, on: dt.date, table: JurisdictionTable | None = None
) -> PublicCredentials | None:
    """The credentials to show for a listed practitioner, or None when they must not be listed."""
    if not licence_verified:
        return None
    if any(finding.level == "block" for finding in check_practitioner(creds, on, table)):
        return None
    verified = [c for c in creds.certifications if c.verified and c.is_current(on)]
    if not verified:
        return None
    expiries = [c.expires_on for c in verified]
    until = None if any(e is None for e in expiries) else max(e for e in expiries if e is not None)
    return PublicCredentials(
        licence_jurisdiction=creds.licence_jurisdiction.strip().upper(),
        certified_until=until,
        certification_hours=sum(c.hours for c in verified),
    )
