"""A person's language: the one the bot speaks to them (SPEC §3 `/language`).

Anyone with a record may choose (peers, peer workers, coordinators, people waiting after
a self-referral); a stranger has no record, and none is made for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import shipped
from bot.services.errors import BadInput, NotJoined
from storage.models import Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class LanguageChoice:
    """The person's language and the languages they can pick from."""

    role: str | None
    language: str
    choices: tuple[str, ...]


async def _someone(uow: UnitOfWork, telegram_id: int) -> Person:
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or person.left_at is not None:
        raise NotJoined()
    return person


async def stored_language(uow: UnitOfWork, telegram_id: int) -> str | None:
    """The language stored for this account's person, if they have a record and one."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or person.left_at is not None:
        return None
    return person.language


async def language_choice(uow: UnitOfWork, telegram_id: int, *, default: str) -> LanguageChoice:
    """What /language shows: the person's language now (`default` if none is stored)."""
    person = await _someone(uow, telegram_id)
    language = person.language if person.language in shipped() else default
    role = person.role if person.joined_at is not None else None
    return LanguageChoice(role, language or default, shipped())


async def choose_language(
    uow: UnitOfWork, telegram_id: int, language: str, *, default: str
) -> LanguageChoice:
    """Store the person's language (one we ship); choosing it again changes nothing."""
    if language not in shipped():
        raise BadInput("language_unknown")
    person = await _someone(uow, telegram_id)
    # The last choice wins: nothing else depends on it, so there is no version to check.
    person.language = language
    await uow.commit()
    role = person.role if person.joined_at is not None else None
    return LanguageChoice(role, language, shipped())
