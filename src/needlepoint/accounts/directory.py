"""The public practitioner directory of a clinic: who may dry needle there today, their verified
licence and current certification, where they work and how to book an evaluation.

Public (no sign-in). It reads clinics, sites and practitioners only, never a patient record. Who is
listed is decided by the pure :func:`needlepoint.clinical.directory.public_credentials`; an unknown
clinic is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from needlepoint.accounts.models import Clinic, PractitionerProfile, Role, Site
from needlepoint.clinical.credentials import Certification, Credentials
from needlepoint.clinical.directory import PublicCredentials, public_credentials
from needlepoint.knowledge.regulation import jurisdictions


@dataclass(frozen=True)
class Listing:
    name: str
    profession: str
    jurisdiction: str  # "Colorado", or the code when the data has no name for it
    credentials: PublicCredentials
    issuers: tuple[str, ...]
    sites: tuple[Site, ...]
    works_at_all_sites: bool  # no site recorded for the practitioner: the clinic's sites are shown
    bio: str


@dataclass(frozen=True)
class Directory:
    clinic: Clinic
    on: dt.date
    practitioners: list[Listing]
    sites: list[Site]


def _credentials(profile: PractitionerProfile) -> Credentials:
    return Credentials(
        profession=profile.profession,
        licence_number=profile.licence_number,
        licence_jurisdiction=profile.licence_jurisdiction,
        licence_expires_on=profile.licence_expires_on,
        certifications=tuple(
            Certification(float(c.hours), c.completed_on, c.expires_on, c.verified)
            for c in profile.certifications.all()
        ),
    )


def clinic_directory(clinic_slug: str) -> Directory:
    """The clinic's listed practitioners (by surname) and its open sites; Http404 for no such clinic."""
    clinic = Clinic.objects.filter(slug=clinic_slug).first()
    if clinic is None:
        raise Http404
    on = clinic.today()
    open_sites = Site.objects.filter(clinic=clinic, is_active=True).order_by("name")
    sites = list(open_sites)
    profiles = (
        PractitionerProfile.objects.filter(user__clinic=clinic, user__is_active=True, user__role=Role.CLINICIAN)
        .select_related("user")
        .prefetch_related("certifications", Prefetch("sites", queryset=open_sites, to_attr="open_sites"))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    table = jurisdictions()
    listed = []
    for profile in profiles:
        shown = public_credentials(
            _credentials(profile), licence_verified=profile.licence_verified_at is not None, on=on, table=table
        )
        if shown is None:
            continue
        rule = table.get(shown.licence_jurisdiction)
        own_sites = tuple(profile.open_sites)  # type: ignore[attr-defined]
        listed.append(
            Listing(
                name=profile.user.display_name,
                profession=profile.get_profession_display(),  # type: ignore[attr-defined]
                jurisdiction=rule.name if rule else shown.licence_jurisdiction,
                credentials=shown,
                issuers=tuple(
                    dict.fromkeys(c.issuer for c in profile.certifications.all() if c.verified and c.is_current(on))
                ),
                sites=own_sites or tuple(sites),
                works_at_all_sites=not own_sites,
                bio=profile.bio,
            )
        )
    return Directory(clinic=clinic, on=on, practitioners=listed, sites=sites)


@require_safe
def practitioners(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    """The public directory page of one clinic."""
    directory = clinic_directory(clinic_slug)
    return render(request, "accounts/directory.html", {"directory": directory, "clinic": directory.clinic})
