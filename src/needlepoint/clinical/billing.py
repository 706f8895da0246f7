"""CPT codes for dry needling (AMA CPT, in use from 1 January 2020; apta-2020-cpt).

20560: needle insertion(s) without injection(s), 1 or 2 muscle(s).
20561: needle insertion(s) without injection(s), 3 or more muscles.
Distinct muscles are counted, not needles; the same muscle on both sides counts as two here
(unconfirmed: payers differ, check the payer's policy).
"""

from __future__ import annotations

from collections.abc import Iterable

DESCRIPTIONS = {
    "20560": "Needle insertion(s) without injection(s); 1 or 2 muscle(s)",
    "20561": "Needle insertion(s) without injection(s); 3 or more muscle(s)",
}
SOURCE = "apta-2020-cpt"


def distinct_muscles(muscles_needled: Iterable[tuple[str, str]]) -> int:
    return len(set(muscles_needled))


def cpt_codes(muscles_needled: Iterable[tuple[str, str]]) -> list[str]:
    count = distinct_muscles(muscles_needled)
    if count == 0:
        return []
    return ["20560"] if count <= 2 else ["20561"]
