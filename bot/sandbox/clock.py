"""The sandbox's clock: real time, optionally running N times faster from the start."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class SpeedClock:
    """`clock()` for build_application: starts at the real time, then runs `speed`× as fast.

    Elapsed time is measured on the monotonic clock so a change of the computer's wall clock
    cannot make the bot's time jump backwards.
    """

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.started = datetime.now(UTC)
        self._mono = time.monotonic()

    def __call__(self) -> datetime:
        elapsed = time.monotonic() - self._mono
        return self.started + timedelta(seconds=elapsed * self.speed)
