"""Every sentence in its reader's language: gettext catalogues made with Babel.

The catalogues live in `bot/locale/<language>/LC_MESSAGES/messages.po` (and `.mo`); the
English msgids in the code are the source language. The reader's language is a context
variable, set once for each update (the person who wrote) and each delivery (its
recipient), so texts never pass a language around:

    _("Welcome, {name}!", name=name)
    _n("{n} session", "{n} sessions", count)        # n is filled in from the count
    BUTTON = N_("I'll be there")  ...  _(BUTTON)    # marked here, translated when read

Placeholders are named (`{name}`), never positional, so a translation may put them in
any order.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.support import Translations

DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"

LANGUAGE: ContextVar[str] = ContextVar("peerbot_language", default=SOURCE_LANGUAGE)


@cache
def shipped() -> tuple[str, ...]:
    """The languages the bot speaks: English and each language with a compiled catalogue."""
    found = sorted(
        path.parent.parent.name
        for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
        if path.parent.parent.name != SOURCE_LANGUAGE
    )
    return (SOURCE_LANGUAGE, *found)


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def pick(code: str | None, default: str) -> str:
    """A shipped language for a stored or Telegram language code ('cy', 'cy-GB'), else
    `default`."""
    if code:
        base = code.replace("_", "-").split("-")[0].casefold()
        if base in shipped():
            return base
    return default


def _(message: str, /, **values: object) -> str:
    """`message` in the reader's language, with its named placeholders filled in."""
    text = translations(LANGUAGE.get()).gettext(message)
    return text.format(**values) if values else text


def _n(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The form of a counted sentence that the reader's language uses for `n`."""
    text = translations(LANGUAGE.get()).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def N_(message: str) -> str:
    """Mark a sentence for the catalogue without translating it yet (module constants)."""
    return message


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Everything said inside the block is said in `language`."""
    token = LANGUAGE.set(language)
    try:
        yield
    finally:
        LANGUAGE.reset(token)
