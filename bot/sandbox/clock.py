"""The sandbox's clock: real time (or a chosen start), optionally running N times faster."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class SpeedClock:
    """`clock()` for build_application: starts at `start` (default: the real time), then
    runs `speed`× as fast.

    Elapsed time is measured on the monotonic clock so a change of the computer's wall clock
    cannot make the bot's time jump backwards.
    """

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        if start is not None and start.tzinfo is None:
            raise ValueError("start must carry its time zone")
        self.speed = speed
        self.started = (start or datetime.now(UTC)).astimezone(UTC)
        self._mono = time.monotonic()

    def __call__(self) -> datetime:
        elapsed = time.monotonic() - self._mono
        return self.started + timedelta(seconds=elapsed * self.speed)
