"""May this practitioner dry needle? Licence, current certification, and the jurisdiction's rules.

Jurisdiction rules come from knowledge/data/jurisdictions.yaml (physical therapists in US states as
of January 2026, pphc-2026; Alberta, physiotherapy-alberta-restricted-activities). Rules for other
professions are not in the data: the check says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from needlepoint.clinical.safety import SafetyFinding
from needlepoint.knowledge.regulation import JurisdictionTable, jurisdictions

TRAINING_SOURCE = "fsbpt-2017"


@dataclass(frozen=True)
class Certification:
    hours: float
    completed_on: dt.date
    expires_on: dt.date | None
    verified: bool

    def is_current(self, on: dt.date) -> bool:
        return self.completed_on <= on and (self.expires_on is None or on <= self.expires_on)


@dataclass(frozen=True)
class Credentials:
    profession: str
    licence_number: str
    licence_jurisdiction: str
    licence_expires_on: dt.date | None
    certifications: tuple[Certification, ...]


def check_practitioner(creds: Credentials, on: dt.date, table: JurisdictionTable | None = None) -> list[SafetyFinding]:
    table = table or jurisdictions()
    found: list[SafetyFinding] = []
    if not creds.licence_number.strip():
        found.append(
            SafetyFinding("no-licence", "block", "No professional licence is recorded for you.", TRAINING_SOURCE)
        )
    elif creds.licence_expires_on is not None and creds.licence_expires_on < on:
        found.append(
            SafetyFinding(
                "licence-expired",
                "block",
                f"Your licence expired on {creds.licence_expires_on:%Y-%m-%d}.",
                TRAINING_SOURCE,
            )
        )
    current = [c for c in creds.certifications if c.is_current(on)]
    if not current:
        found.append(
            SafetyFinding(
                "no-current-certification",
                "block",
                "No current dry-needling certification is recorded for you.",
                TRAINING_SOURCE,
            )
        )
    elif not any(c.verified for c in current):
        found.append(
            SafetyFinding(
                "certification-unverified",
                "warning",
                "Your dry-needling certification has not been verified by the clinic.",
                TRAINING_SOURCE,
            )
        )
    code = creds.licence_jurisdiction.strip().upper()
    rule = table.get(code) if code else None
    if creds.profession not in table.professions:
        found.append(
            SafetyFinding(
                "jurisdiction-profession-unknown",
                "warning",
                f"Dry-needling rules for your profession in {code or 'your jurisdiction'} are not "
                f"in Needlepoint's data: confirm them with your regulator.",
                table.source,
            )
        )
    elif rule is None:
        found.append(
            SafetyFinding(
                "jurisdiction-unknown",
                "warning",
                f"{code or 'Your jurisdiction'} is not in Needlepoint's data (as of {table.as_of}): "
                "confirm that you may dry needle there.",
                table.source,
            )
        )
    else:
        source = rule.source or table.source
        if rule.status == "not-permitted":
            found.append(
                SafetyFinding(
                    "jurisdiction-not-permitted",
                    "block",
                    f"{rule.name} does not permit physical therapists to dry needle (data as of {table.as_of}).",
                    source,
                )
            )
        elif rule.status == "silent":
            found.append(
                SafetyFinding(
                    "jurisdiction-silent",
                    "warning",
                    f"{rule.name}'s practice act does not address dry needling "
                    f"(data as of {table.as_of}): check with the board.",
                    source,
                )
            )
        elif rule.status == "authorisation":
            found.append(
                SafetyFinding(
                    "jurisdiction-authorisation",
                    "warning",
                    f"{rule.name} requires the regulator to authorise you to needle: "
                    f"confirm your authorisation. {rule.note or ''}".strip(),
                    source,
                )
            )
        hours = sum(c.hours for c in current)
        if rule.min_hours is not None and current and hours < rule.min_hours:
            found.append(
                SafetyFinding(
                    "training-hours-below-minimum",
                    "block",
                    f"{rule.name} requires {rule.min_hours:g} hours of dry-needling training; {hours:g} are recorded.",
                    source,
                )
            )
        if rule.min_years_licensed:
            found.append(
                SafetyFinding(
                    "years-licensed-unchecked",
                    "warning",
                    f"{rule.name} requires {rule.min_years_licensed} years of licensure before "
                    "dry needling: confirm it.",
                    source,
                )
            )
    return found
