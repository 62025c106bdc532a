"""The widget's status line: idle, busy with progress, or an error the user should see."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Status:
    state: Literal["idle", "busy", "error"]
    message: str = ""
    progress: float | None = None

    @classmethod
    def idle(cls, message: str = "") -> Status:
        return cls("idle", message)

    @classmethod
    def busy(cls, message: str, progress: float | None = None) -> Status:
        return cls("busy", message, progress)

    @classmethod
    def error(cls, message: str) -> Status:
        return cls("error", message)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
