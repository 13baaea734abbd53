"""Settings: built once from the environment (and `.env`), frozen, failing fast by name."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.i18n import N_, _, current, shipped, speaking

# Worded in each reader's language by the catalogues (the Welsh names the same services,
# and Samaritans' Welsh line) unless CRISIS_CONTACTS or CRISIS_CONTACTS_<LANG> is set.
DEFAULT_CRISIS_CONTACTS = (
    N_("Samaritans: call 116 123, free, any time, day or night"),
    N_("NHS 111, option 2, for urgent mental health help"),
    N_("999 in an emergency"),
)

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}
TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class ConfigError(Exception):
    """A setting is missing or unusable; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: str | None = None
    telegram_base_url: str | None = None
    telegram_base_file_url: str | None = None
    telegram_bot_username: str | None = None
    database_url: str = "sqlite+aiosqlite:///peerbot.db"
    timezone: str = "Europe/London"
    programme_sessions: int = 10
    org_name: str = "our peer support service"
    crisis_contacts: tuple[str, ...] = DEFAULT_CRISIS_CONTACTS
    scheduler_tick_seconds: int = 30
    invitation_days: int = 14
    retention_days: int = 365
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    health_port: int | None = None
    log_level: str = "INFO"
    # Referrals and matching (SPEC §2): the public self-referral link, off unless asked for.
    self_referral: bool = False
    worker_capacity: int = 6
    # Lone-working safety check-ins (SPEC §8).
    safety_checkins: bool = False
    safety_grace_minutes: int = 15
    # The language of anyone whose own is not one we ship (SPEC §6).
    default_language: str = "en"
    # CRISIS_CONTACTS_<LANG> (e.g. CRISIS_CONTACTS_CY): the contacts as worded in that
    # language; a language without its own list uses `crisis_contacts`.
    crisis_contacts_in: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def contacts_in(self, language: str) -> tuple[str, ...]:
        """The crisis contacts as worded for readers of `language`: CRISIS_CONTACTS_<LANG>,
        else CRISIS_CONTACTS as set, else the default ones in that language."""
        if language in self.crisis_contacts_in:
            return self.crisis_contacts_in[language]
        if self.crisis_contacts != DEFAULT_CRISIS_CONTACTS:
            return self.crisis_contacts
        with speaking(language):
            return tuple(_(contact) for contact in DEFAULT_CRISIS_CONTACTS)

    def contacts(self) -> tuple[str, ...]:
        """The crisis contacts for the reader at hand (bot.i18n's language)."""
        return self.contacts_in(current())

    def require_token(self) -> str:
        if not self.telegram_bot_token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN", "is not set; get one from @BotFather and put it in .env"
            )
        return self.telegram_bot_token


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = _text(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
    if not lo <= value <= hi:
        raise ConfigError(name, f"must be between {lo} and {hi}, got {value}")
    return value


def _optional_port(env: Mapping[str, str], name: str) -> int | None:
    if _text(env, name) is None:
        return None
    return _int(env, name, 0, 1, 65535)


def _timezone(env: Mapping[str, str]) -> str:
    name = _text(env, "TIMEZONE") or "Europe/London"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("TIMEZONE", f"unknown time zone {name!r} (try Europe/London)") from None
    return name


def _database_url(env: Mapping[str, str]) -> str:
    raw = _text(env, "DATABASE_URL") or "sqlite+aiosqlite:///peerbot.db"
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError("DATABASE_URL", "is not a database URL") from None
    # Plain URLs are common in hosting dashboards; the async driver is the only one we use.
    driver = ASYNC_DRIVERS.get(url.drivername, url.drivername)
    if driver not in SUPPORTED_DRIVERS:
        raise ConfigError(
            "DATABASE_URL",
            f"driver {driver!r} is not supported (use {' or '.join(SUPPORTED_DRIVERS)})",
        )
    if driver == "sqlite+aiosqlite" and not url.database:
        raise ConfigError("DATABASE_URL", "names no SQLite file (e.g. sqlite:///peerbot.db)")
    return url.set(drivername=driver).render_as_string(hide_password=False)


def _http_url(env: Mapping[str, str], name: str) -> str | None:
    value = _text(env, name)
    if value is not None and not value.startswith(("http://", "https://")):
        raise ConfigError(name, "must start with http:// or https://")
    return value


def _contacts(env: Mapping[str, str], name: str) -> tuple[str, ...] | None:
    raw = _text(env, name)
    if raw is None:
        return None
    contacts = tuple(part.strip() for part in raw.split(";") if part.strip())
    if not contacts:
        raise ConfigError(name, "lists no contact (separate contacts with ';')")
    return contacts


def _crisis_contacts(env: Mapping[str, str]) -> tuple[str, ...]:
    return _contacts(env, "CRISIS_CONTACTS") or DEFAULT_CRISIS_CONTACTS


def _crisis_contacts_in(env: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    found = {}
    for language in shipped():
        contacts = _contacts(env, f"CRISIS_CONTACTS_{language.upper()}")
        if contacts is not None:
            found[language] = contacts
    return found


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (_text(env, name) or "false").casefold()
    if raw in ("true", "1", "yes", "on"):
        return True
    if raw in ("false", "0", "no", "off"):
        return False
    raise ConfigError(name, f"must be true or false, got {raw!r}")


def _language(env: Mapping[str, str]) -> str:
    language = (_text(env, "DEFAULT_LANGUAGE") or "en").casefold()
    if language not in shipped():
        ours = ", ".join(shipped())
        raise ConfigError("DEFAULT_LANGUAGE", f"must be one we ship ({ours}), got {language!r}")
    return language


def _log_level(env: Mapping[str, str]) -> str:
    level = (_text(env, "LOG_LEVEL") or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")
    return level


def from_env(env: Mapping[str, str]) -> Settings:
    """Build settings from a mapping of environment variables, raising ConfigError."""
    webhook_url = _http_url(env, "WEBHOOK_URL")
    secret = _text(env, "WEBHOOK_SECRET")
    if secret is not None and not all(c.isalnum() or c in "_-" for c in secret):
        raise ConfigError("WEBHOOK_SECRET", "may hold only letters, digits, '_' and '-'")
    if webhook_url is not None and secret is None:
        # Without it anyone who learns the address can post updates as any person (SPEC §6).
        raise ConfigError(
            "WEBHOOK_SECRET", "is required when WEBHOOK_URL is set (letters, digits, '_', '-')"
        )
    token = _text(env, "TELEGRAM_BOT_TOKEN")
    if token is not None and not TOKEN_SHAPE.fullmatch(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN", "does not look like a token from @BotFather")
    return Settings(
        telegram_bot_token=token,
        telegram_base_url=_http_url(env, "TELEGRAM_BASE_URL"),
        telegram_base_file_url=_http_url(env, "TELEGRAM_BASE_FILE_URL"),
        telegram_bot_username=(_text(env, "TELEGRAM_BOT_USERNAME") or "").lstrip("@") or None,
        database_url=_database_url(env),
        timezone=_timezone(env),
        programme_sessions=_int(env, "PROGRAMME_SESSIONS", 10, 1, 100),
        org_name=_text(env, "ORG_NAME") or "our peer support service",
        crisis_contacts=_crisis_contacts(env),
        scheduler_tick_seconds=_int(env, "SCHEDULER_TICK_SECONDS", 30, 1, 3600),
        invitation_days=_int(env, "INVITATION_DAYS", 14, 1, 365),
        retention_days=_int(env, "RETENTION_DAYS", 365, 1, 3650),
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_listen=_text(env, "WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=_int(env, "WEBHOOK_PORT", 8443, 1, 65535),
        health_port=_optional_port(env, "HEALTH_PORT"),
        log_level=_log_level(env),
        self_referral=_flag(env, "SELF_REFERRAL"),
        worker_capacity=_int(env, "WORKER_CAPACITY", 6, 1, 100),
        safety_checkins=_flag(env, "SAFETY_CHECKINS"),
        safety_grace_minutes=_int(env, "SAFETY_GRACE_MINUTES", 15, 1, 240),
        default_language=_language(env),
        crisis_contacts_in=_crisis_contacts_in(env),
    )


def load(dotenv_path: str | Path | None = ".env") -> Settings:
    """Read `.env` (if present) under the real environment, then build settings."""
    from dotenv import dotenv_values

    values: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ)
    return from_env(values)
