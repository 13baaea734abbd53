"""Domain errors: raised by services, turned into a short answer at the edge."""

from __future__ import annotations


class DomainError(Exception):
    """Something the person asked for cannot be done; nothing was changed."""


class NotJoined(DomainError):
    """The Telegram account has not joined this deployment."""


class NotAllowed(DomainError):
    """The person's role does not allow this."""

    def __init__(self, needed: tuple[str, ...]) -> None:
        super().__init__(f"needs one of {needed}")
        self.needed = needed


class InvitationInvalid(DomainError):
    """The invitation cannot be used: reason is malformed, unknown, used or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AlreadyJoined(DomainError):
    """This Telegram account already has a role; one account holds one role."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class BadInput(DomainError):
    """Typed input that cannot be used; `problem` names what to fix (a texts key)."""

    def __init__(self, problem: str, **details: object) -> None:
        super().__init__(problem)
        self.problem = problem
        self.details = details


class NotYours(DomainError):
    """The thing exists but belongs to someone else; the answer must not reveal it."""


class Stale(DomainError):
    """A button or step refers to something that has changed since; `current` is its state
    now (a view the presser may see), or None."""

    def __init__(self, current: object | None = None) -> None:
        super().__init__("stale")
        self.current = current
