"""The hash chain over audit rows (pure: no Django).

Each row's hash covers its own content and the previous row's hash, so changing, removing or
reordering any row breaks every hash after it. The first row chains to GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "clinic_id",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "patient_id",
    "before",
    "after",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    payload = canonical_json({name: fields[name] for name in HASHED_FIELDS})
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    row_id: int
    problem: str

    def __str__(self) -> str:
        return f"row id {self.row_id} (seq {self.seq}): {self.problem}"


def verify_rows(rows: Iterable[tuple[int, Mapping[str, Any], str, str]]) -> tuple[int, ChainBreak | None]:
    """Check rows given in ``seq`` order as ``(row_id, fields, prev_hash, hash)``.

    Returns the number of rows checked and the first break, if any.
    """
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for row_id, fields, prev_hash, stored_hash in rows:
        count += 1
        seq = int(fields["seq"])
        if seq != expected_seq:
            problem = (
                f"sequence jumps from {expected_seq - 1} to {seq}: a row before it was deleted"
                if seq > expected_seq
                else f"sequence number {seq} repeats or goes backwards"
            )
            return count, ChainBreak(seq, row_id, problem)
        if prev_hash != expected_prev:
            return count, ChainBreak(seq, row_id, "does not chain to the previous row's hash")
        if row_hash(fields, prev_hash) != stored_hash:
            return count, ChainBreak(seq, row_id, "content does not match its hash: the row was altered")
        expected_prev = stored_hash
        expected_seq += 1
    return count, None
