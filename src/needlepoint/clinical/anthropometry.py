"""Body measures: age and body-mass index."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

# Plausible adult and paediatric ranges; values outside are typing errors, not patients.
HEIGHT_CM_RANGE = (Decimal("40"), Decimal("250"))
WEIGHT_KG_RANGE = (Decimal("2"), Decimal("400"))


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Completed years of age on a day (a birthday on 29 February counts from 1 March)."""
    if on < date_of_birth:
        raise ValueError("the day is before the date of birth")
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def bmi(height_cm: Decimal | float | None, weight_kg: Decimal | float | None) -> Decimal | None:
    """Body-mass index (kg/m²) to one decimal, or None when a measure is missing."""
    if height_cm is None or weight_kg is None:
        return None
    height = Decimal(str(height_cm))
    weight = Decimal(str(weight_kg))
    if height <= 0 or weight <= 0:
        raise ValueError("height and weight must be positive")
    metres = height / Decimal(100)
    return (weight / (metres * metres)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def bmi_category(value: Decimal | None) -> str | None:
    """WHO adult BMI categories (WHO Technical Report Series 894, 2000)."""
    if value is None:
        return None
    if value < Decimal("18.5"):
        return "underweight"
    if value < Decimal("25"):
        return "healthy weight"
    if value < Decimal("30"):
        return "overweight"
    return "obesity"
