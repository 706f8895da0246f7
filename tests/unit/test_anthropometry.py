import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinical.anthropometry import age_on, bmi, bmi_category


def test_age_counts_completed_years() -> None:
    born = dt.date(1990, 6, 15)
    assert age_on(born, dt.date(2026, 6, 14)) == 35
    assert age_on(born, dt.date(2026, 6, 15)) == 36


def test_leap_day_birthday() -> None:
    born = dt.date(2000, 2, 29)
    assert age_on(born, dt.date(2025, 2, 28)) == 24
    assert age_on(born, dt.date(2025, 3, 1)) == 25


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError):
        age_on(dt.date(2020, 1, 1), dt.date(2019, 1, 1))


def test_bmi_worked_example() -> None:
    # 70 kg at 175 cm: 70 / 1.75^2 = 22.857 -> 22.9
    assert bmi(Decimal("175"), Decimal("70")) == Decimal("22.9")
    assert bmi(None, Decimal("70")) is None


@pytest.mark.parametrize(
    ("value", "category"),
    [
        ("18.4", "underweight"),
        ("18.5", "healthy weight"),
        ("24.9", "healthy weight"),
        ("25", "overweight"),
        ("30", "obesity"),
    ],
)
def test_bmi_categories(value: str, category: str) -> None:
    assert bmi_category(Decimal(value)) == category


@given(st.decimals(min_value=100, max_value=220, places=1), st.decimals(min_value=30, max_value=200, places=1))
def test_bmi_grows_with_weight(height: Decimal, weight: Decimal) -> None:
    lighter, heavier = bmi(height, weight), bmi(height, weight + 5)
    assert lighter is not None and heavier is not None and heavier > lighter
