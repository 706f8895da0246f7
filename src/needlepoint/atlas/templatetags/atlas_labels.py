from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def region_label(code: str, regions: Mapping[str, Any]) -> str:
    region = regions.get(code)
    return region.label if region is not None else code


@register.filter
def placed(code_and_side: Any, regions: Mapping[str, Any]) -> str:
    """A (region, side) pair or 'code:side' as words: 'outer elbow (lateral epicondyle), left'."""
    if isinstance(code_and_side, str):
        code, _, side = code_and_side.partition(":")
    else:
        code, side = code_and_side[0], code_and_side[1]
    region = regions.get(code)
    label = region.label if region is not None else code
    return f"{label}, {side}" if side else label


@register.filter
def percent(score: float) -> int:
    return round(score * 100)
