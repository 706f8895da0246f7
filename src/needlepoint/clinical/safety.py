"""The common shape of a safety check's result.

``block``: the entry cannot be recorded. ``warning``: it may be recorded only with an explicit
acknowledgement, which is kept with the note. ``note``: shown beside the entry (for example how the
depth to the lung was estimated); it does not hold anything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["note", "warning", "block"]


@dataclass(frozen=True)
class SafetyFinding:
    code: str
    level: Level
    message: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "level": self.level, "message": self.message, "source": self.source}
