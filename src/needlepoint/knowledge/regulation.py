"""Who may dry needle where: jurisdiction data (knowledge/data/jurisdictions.yaml), dated."""

from __future__ import annotations

from functools import cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .loader import KnowledgeError, data_directory

Status = Literal["allowed", "silent", "not-permitted", "authorisation"]


class Jurisdiction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
    name: str
    status: Status
    min_hours: float | None = None
    min_years_licensed: int | None = None
    note: str | None = None
    source: str | None = None


class JurisdictionTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: str
    source: str
    professions: tuple[str, ...]
    jurisdictions: tuple[Jurisdiction, ...]

    def get(self, code: str) -> Jurisdiction | None:
        for jurisdiction in self.jurisdictions:
            if jurisdiction.code == code:
                return jurisdiction
        return None


@cache
def jurisdictions() -> JurisdictionTable:
    path = data_directory().joinpath("jurisdictions.yaml")
    try:
        return JurisdictionTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise KnowledgeError([f"jurisdictions.yaml: {exc}"]) from None
