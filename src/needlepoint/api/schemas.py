from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

#: A row id sent by a client (a site, a clinician): a positive 64-bit integer, the widest a
#: database key holds. A larger number is refused as bad input (422) instead of overflowing the
#: database driver.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None
