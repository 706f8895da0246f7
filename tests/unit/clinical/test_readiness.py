import datetime as dt

from needlepoint.clinical.readiness import ConsentState, ScreeningState, may_needle

NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def screening(status: str = "precautions", age_days: int = 3, **kw: object) -> ScreeningState:
    return ScreeningState(status=status, completed_at=NOW - age_days * DAY, **kw)  # type: ignore[arg-type]


def consent(**kw: object) -> ConsentState:
    base: dict[str, object] = {"signed_at": NOW - 2 * DAY, "form_major_version": 1, "latest_major_version": 1}
    return ConsentState(**(base | kw))  # type: ignore[arg-type]


def test_current_consent_and_screening_allow_needling() -> None:
    assert may_needle(screening(), consent(), NOW).allowed
    assert may_needle(screening("clear"), consent(), NOW).allowed


def test_missing_either_blocks() -> None:
    result = may_needle(None, None, NOW)
    assert not result.allowed and len(result.reasons) == 2


def test_contraindicated_screening_blocks() -> None:
    result = may_needle(screening("contraindicated"), consent(), NOW)
    assert not result.allowed and "absolute contraindication" in result.reasons[0]


def test_screening_expires_after_the_clinics_period() -> None:
    assert may_needle(screening(age_days=29), consent(), NOW).allowed
    assert not may_needle(screening(age_days=30), consent(), NOW).allowed
    assert may_needle(screening(age_days=30, valid_days=60), consent(), NOW).allowed


def test_superseded_screening_blocks() -> None:
    assert not may_needle(screening(superseded=True), consent(), NOW).allowed


def test_withdrawn_consent_blocks() -> None:
    result = may_needle(screening(), consent(withdrawn_at=NOW - DAY), NOW)
    assert not result.allowed and "withdrew" in result.reasons[0]


def test_new_major_version_needs_a_new_signature() -> None:
    assert not may_needle(screening(), consent(latest_major_version=2), NOW).allowed
    assert may_needle(screening(), consent(form_major_version=2, latest_major_version=2), NOW).allowed
