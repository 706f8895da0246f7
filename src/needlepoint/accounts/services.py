"""Use cases for people and access: users, roles, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import ApiToken, Clinic, PractitionerProfile, Profession, Role, Site, User
from needlepoint.audit import services as audit
from needlepoint.errors import InvalidInput, NotFound

TOKEN_PREFIX = "np_"  # noqa: S105 - a marker, not a secret


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    clinic_slug: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    profession: str | None = None,
    actor: User | None = None,
) -> User:
    errors: dict[str, list[str]] = {}
    clinic = Clinic.objects.filter(slug=clinic_slug).first()
    if clinic is None:
        known = ", ".join(Clinic.objects.values_list("slug", flat=True)) or "none yet"
        errors["clinic"] = [f"no clinic {clinic_slug!r} (known: {known})"]
    if role not in Role.values:
        errors["role"] = [f"unknown role {role!r}; choose one of {', '.join(Role.values)}"]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"{username!r} is taken"]
    if profession is not None and profession not in Profession.values:
        errors["profession"] = [f"unknown profession {profession!r}; choose one of {', '.join(Profession.values)}"]
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, clinic=clinic, role=role)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(errors)
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        raise InvalidInput(_field_errors(exc)) from None
    user.save()
    audit.record(audit.Action.CREATE, user, actor=actor, clinic_id=user.clinic_id, after=audit.snapshot(user))
    if role == Role.CLINICIAN:
        profile = PractitionerProfile.objects.create(user=user, profession=profession or Profession.PHYSICAL_THERAPIST)
        audit.record(audit.Action.CREATE, profile, actor=actor, clinic_id=user.clinic_id, after=audit.snapshot(profile))
    return user


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


@transaction.atomic
def issue_token(*, username: str, name: str = "API token", actor: User | None = None) -> IssuedToken:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"no active user {username!r}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10], token_hash=_hash(secret))
    audit.record(
        audit.Action.TOKEN,
        token,
        actor=actor or user,
        clinic_id=user.clinic_id,
        after={"user": user.username, "name": name, "prefix": token.prefix},
    )
    return IssuedToken(token=token, secret=secret)


def user_for_token(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user", "user__clinic").filter(token_hash=_hash(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def team_overview(actor: User) -> dict[str, object]:
    """Sites, staff and practitioners' credentials for the actor's clinic."""
    today = timezone.localdate()
    staff = list(
        User.objects.filter(clinic_id=actor.clinic_id, is_active=True)
        .exclude(role=Role.PATIENT)
        .select_related("practitioner")
        .prefetch_related("practitioner__certifications", "practitioner__sites")
        .order_by("role", "last_name")
    )
    rows = []
    for person in staff:
        profile = getattr(person, "practitioner", None)
        certifications = list(profile.certifications.all()) if profile else []
        rows.append(
            {
                "user": person,
                "profile": profile,
                "certifications": [(c, c.is_current(today)) for c in certifications],
                "has_current_certification": any(c.is_current(today) for c in certifications),
                "licence_current": bool(
                    profile
                    and profile.licence_number
                    and (profile.licence_expires_on is None or profile.licence_expires_on >= today)
                ),
            }
        )
    return {"people": rows, "sites": list(Site.objects.filter(clinic_id=actor.clinic_id))}
