"""Joining by invitation (SPEC §2): issuing one-time links and using them."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.errors import AlreadyJoined, BadInput, InvitationInvalid, NotAllowed, NotJoined
from bot.services.referral_return import comes_back
from storage.models import Invitation, Person, Programme, ProgrammeState, Role
from storage.uow import UnitOfWork

# 24 random bytes: 192 bits, 32 URL-safe characters, inside Telegram's 64-character limit
# for a deep-link start parameter.
TOKEN_BYTES = 24
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
NAME_MAX = 64


@dataclass(frozen=True)
class IssuedInvitation:
    token: str
    role: Role
    expires_at: datetime
    peer_name: str | None = None
    peer_id: int | None = None


@dataclass(frozen=True)
class Joined:
    person_id: int
    role: Role
    name: str
    worker_name: str | None = None
    worker_telegram_id: int | None = None


@dataclass(frozen=True)
class Member:
    person_id: int
    role: Role
    name: str
    timezone: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


async def _issue(
    uow: UnitOfWork,
    *,
    role: Role,
    now: datetime,
    days: int,
    invited_by_id: int | None = None,
    person_id: int | None = None,
) -> tuple[str, Invitation]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(
        token_hash=hash_token(token),
        role=role,
        invited_by_id=invited_by_id,
        person_id=person_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    uow.invitations.add(invitation)
    await uow.flush()
    return token, invitation


async def member(uow: UnitOfWork, telegram_id: int, *roles: Role) -> Person:
    """The joined person behind a Telegram account, checked against the allowed roles."""
    return joined(await uow.people.by_telegram_id(telegram_id), *roles)


def joined(person: Person | None, *roles: Role) -> Person:
    """`person` if they have joined and not left, in one of the roles (any, if none given);
    NotJoined or NotAllowed otherwise. For a person already read (`member` reads them)."""
    if person is None or person.joined_at is None or person.left_at is not None:
        raise NotJoined()
    if roles and person.role not in roles:
        raise NotAllowed(tuple(roles))
    return person


async def whoami(uow: UnitOfWork, telegram_id: int) -> Member | None:
    """The person behind a Telegram account, or None for someone who has not joined."""
    try:
        person = await member(uow, telegram_id)
    except NotJoined:
        return None
    return Member(person.id, Role(person.role), person.display_name or "", person.timezone)


async def invite_coordinator(uow: UnitOfWork, *, now: datetime, days: int) -> IssuedInvitation:
    """A coordinator's invitation, for the command line (the first coordinator)."""
    token, invitation = await _issue(uow, role=Role.COORDINATOR, now=now, days=days)
    await uow.commit()
    return IssuedInvitation(token, Role.COORDINATOR, invitation.expires_at)


async def invite_worker(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, days: int
) -> IssuedInvitation:
    """A coordinator invites a new peer worker."""
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    token, invitation = await _issue(
        uow, role=Role.WORKER, now=now, days=days, invited_by_id=coordinator.id
    )
    await uow.commit()
    return IssuedInvitation(token, Role.WORKER, invitation.expires_at)


def clean_name(raw: str) -> str:
    """A display name as typed: one line, trimmed, 1–64 characters."""
    name = " ".join(raw.split())
    if not name:
        raise BadInput("name_missing")
    if len(name) > NAME_MAX:
        raise BadInput("name_too_long", limit=NAME_MAX)
    return name


async def add_peer(
    uow: UnitOfWork,
    telegram_id: int,
    raw_name: str,
    *,
    now: datetime,
    days: int,
    planned_sessions: int,
) -> IssuedInvitation:
    """A peer worker adds a peer: the peer, their programme and the peer's invitation."""
    worker = await member(uow, telegram_id, Role.WORKER)
    issued = await new_peer(
        uow, worker, raw_name, now=now, days=days, planned_sessions=planned_sessions
    )
    await uow.commit()
    return issued


def begin_programme(
    uow: UnitOfWork, peer: Person, worker: Person, planned_sessions: int, now: datetime
) -> Programme:
    """A programme of `planned_sessions` of `peer` with `worker`, active from now (not
    committed)."""
    programme = Programme(
        peer_id=peer.id,
        worker_id=worker.id,
        planned_sessions=planned_sessions,
        state=ProgrammeState.ACTIVE,
        started_at=now,
    )
    uow.programmes.add(programme)
    return programme


async def new_peer(
    uow: UnitOfWork,
    worker: Person,
    raw_name: str,
    *,
    now: datetime,
    days: int,
    planned_sessions: int,
) -> IssuedInvitation:
    """A peer of `worker`'s, their programme and their invitation (not committed)."""
    name = clean_name(raw_name)
    for _programme, peer in await uow.programmes.active_for_worker(worker.id):
        if (peer.display_name or "").casefold() == name.casefold():
            raise BadInput("peer_name_taken", name=name)
    peer = Person(
        role=Role.PEER,
        display_name=name,
        timezone=worker.timezone,
        invited_by_id=worker.id,
        created_at=now,
        paused=False,
    )
    uow.people.add(peer)
    await uow.flush()
    begin_programme(uow, peer, worker, planned_sessions, now)
    token, invitation = await _issue(
        uow, role=Role.PEER, now=now, days=days, invited_by_id=worker.id, person_id=peer.id
    )
    return IssuedInvitation(token, Role.PEER, invitation.expires_at, name, peer.id)


async def join(
    uow: UnitOfWork,
    token: str,
    *,
    telegram_id: int,
    first_name: str,
    now: datetime,
    timezone: str,
    language: str | None = None,
) -> Joined:
    """Use an invitation: the account joins with the invitation's role (and `language`,
    the one they will be spoken to in)."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise InvitationInvalid("malformed")
    invitation = await uow.invitations.by_token_hash(hash_token(token))
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.used_at is not None:
        raise InvitationInvalid("used")
    if invitation.expires_at <= now:
        raise InvitationInvalid("expired")
    existing = await uow.people.by_telegram_id(telegram_id)
    if existing is not None and existing.left_at is None:
        if await comes_back(uow, existing, invitation, now=now):
            # A peer whose programme ended, referred again: the new one is theirs (SPEC §2).
            return await _joined_again(uow, existing, invitation)
        # Checked after the token so the answer never tells a stranger a link is valid.
        raise AlreadyJoined(existing.role)
    if not await uow.invitations.mark_used(invitation.id, now):
        raise InvitationInvalid("used")

    role = Role(invitation.role)
    worker: Person | None = None
    if role is Role.PEER:
        peer_id = invitation.person_id or 0
        if not await uow.people.link_account(peer_id, telegram_id, now):
            raise InvitationInvalid("used")
        person = await uow.people.get(peer_id)
        assert person is not None
        worker = await uow.people.get(invitation.invited_by_id or 0)
    else:
        person = Person(
            role=role,
            display_name=" ".join(first_name.split())[:NAME_MAX] or role.value,
            timezone=timezone,
            invited_by_id=invitation.invited_by_id,
            created_at=now,
            joined_at=now,
            telegram_id=telegram_id,
            paused=False,
        )
        uow.people.add(person)
    if language is not None:
        person.language = language
    await uow.commit()
    return Joined(
        person_id=person.id,
        role=role,
        name=person.display_name or "",
        worker_name=worker.display_name if worker else None,
        worker_telegram_id=worker.telegram_id if worker else None,
    )


async def _joined_again(uow: UnitOfWork, person: Person, invitation: Invitation) -> Joined:
    worker = await uow.people.get(invitation.invited_by_id or 0)
    await uow.commit()
    return Joined(
        person.id,
        Role.PEER,
        person.display_name or "",
        worker.display_name if worker else None,
        worker.telegram_id if worker else None,
    )


async def note_blocked(uow: UnitOfWork, telegram_id: int, blocked: bool, *, now: datetime) -> bool:
    """Telegram says the person blocked (or unblocked) the bot; True if that changed anything.

    Blocked, they are shown to their peer worker as unreachable and sent nothing on the
    clock; unblocking makes them reachable again. Strangers are not recorded.
    """
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or person.left_at is not None:
        return False
    if blocked == (person.unreachable_at is not None):
        return False
    person.unreachable_at = now if blocked else None
    await uow.commit()
    return True
