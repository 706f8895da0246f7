"""The common shape of a safety check's result.

``block``: the entry cannot be recorded. ``warning``: it may be recorded only with an explicit
acknowledgement, which is kept with the note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["warning", "block"]


@dataclass(frozen=True)
class SafetyFinding:
    code: str
    level: Level
    message: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "level": self.level, "message": self.message, "source": self.source}
