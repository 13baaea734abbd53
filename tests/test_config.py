"""Settings from the environment: defaults, and one clear line naming a bad variable."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, from_env, load


def test_defaults_match_the_spec() -> None:
    settings = from_env({})
    assert settings.telegram_bot_token is None
    assert settings.database_url == "sqlite+aiosqlite:///peerbot.db"
    assert settings.timezone == "Europe/London"
    assert settings.programme_sessions == 10
    assert settings.scheduler_tick_seconds == 30
    assert settings.webhook_url is None
    assert "Samaritans: call 116 123, free, any time, day or night" in settings.crisis_contacts
    assert any("NHS 111, option 2" in c for c in settings.crisis_contacts)
    assert any("999" in c for c in settings.crisis_contacts)


def test_every_variable_is_read() -> None:
    settings = from_env(
        {
            "TELEGRAM_BOT_TOKEN": "123:abc-DEF_1",
            "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
            "TELEGRAM_BASE_FILE_URL": "http://127.0.0.1:8081/file/bot",
            "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
            "TIMEZONE": "Europe/Dublin",
            "PROGRAMME_SESSIONS": "12",
            "ORG_NAME": "Hillside Peers",
            "CRISIS_CONTACTS": "Samaritans 116 123; Shout: text 85258",
            "SCHEDULER_TICK_SECONDS": "5",
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": "s3cret-token",
            "WEBHOOK_LISTEN": "0.0.0.0",
            "WEBHOOK_PORT": "8080",
        }
    )
    assert settings.telegram_bot_token == "123:abc-DEF_1"
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.telegram_base_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    assert settings.timezone == "Europe/Dublin"
    assert settings.programme_sessions == 12
    assert settings.org_name == "Hillside Peers"
    assert settings.crisis_contacts == ("Samaritans 116 123", "Shout: text 85258")
    assert settings.scheduler_tick_seconds == 5
    assert (settings.webhook_url, settings.webhook_secret) == (
        "https://bot.example.org/telegram",
        "s3cret-token",
    )
    assert (settings.webhook_listen, settings.webhook_port) == ("0.0.0.0", 8080)


def test_plain_database_urls_get_the_async_driver() -> None:
    assert from_env({"DATABASE_URL": "sqlite:///x.db"}).database_url == "sqlite+aiosqlite:///x.db"
    assert (
        from_env({"DATABASE_URL": "postgresql://u:p%40ss@h/db"}).database_url
        == "postgresql+asyncpg://u:p%40ss@h/db"
    )


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("PROGRAMME_SESSIONS", "ten", "whole number"),
        ("PROGRAMME_SESSIONS", "0", "between 1 and 100"),
        ("SCHEDULER_TICK_SECONDS", "1.5", "whole number"),
        ("WEBHOOK_PORT", "99999", "between 1 and 65535"),
        ("DATABASE_URL", "not a url", "not a database URL"),
        ("DATABASE_URL", "mysql://root@localhost/db", "not supported"),
        ("DATABASE_URL", "sqlite+aiosqlite://", "names no SQLite file"),
        ("TELEGRAM_BOT_TOKEN", "hello", "does not look like a token"),
        ("TELEGRAM_BASE_URL", "127.0.0.1:8081/bot", "http://"),
        ("CRISIS_CONTACTS", " ; ", "lists no contact"),
        ("WEBHOOK_SECRET", "has spaces", "letters, digits"),
    ],
)
def test_an_unusable_value_names_the_variable(variable: str, value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        from_env({variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_a_webhook_without_a_secret_is_refused(secret: str | None) -> None:
    # SPEC §6: without the secret anyone who finds the address can post updates.
    env = {"WEBHOOK_URL": "https://bot.example.org/telegram"}
    if secret is not None:
        env["WEBHOOK_SECRET"] = secret
    with pytest.raises(ConfigError) as caught:
        from_env(env)
    assert caught.value.variable == "WEBHOOK_SECRET"
    assert str(caught.value).startswith("WEBHOOK_SECRET: ")
    assert "WEBHOOK_URL" in str(caught.value)


def test_a_secret_without_a_webhook_is_fine() -> None:
    # Long polling takes no secret; a secret left over in .env does no harm.
    settings = from_env({"WEBHOOK_SECRET": "s3cret-token"})
    assert settings.webhook_url is None


def test_a_missing_token_is_named_when_it_is_needed() -> None:
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN: is not set"):
        from_env({}).require_token()


def test_the_environment_wins_over_the_env_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    env_file = tmp_path / ".env"
    env_file.write_text("ORG_NAME=From the file\nPROGRAMME_SESSIONS=8\n")
    monkeypatch.setenv("ORG_NAME", "From the environment")
    monkeypatch.delenv("PROGRAMME_SESSIONS", raising=False)
    settings = load(env_file)
    assert settings.org_name == "From the environment"
    assert settings.programme_sessions == 8


def test_env_example_lists_every_variable() -> None:
    from pathlib import Path

    example = (Path(__file__).parent.parent / ".env.example").read_text()
    for variable in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BASE_URL",
        "TELEGRAM_BASE_FILE_URL",
        "DATABASE_URL",
        "TIMEZONE",
        "PROGRAMME_SESSIONS",
        "ORG_NAME",
        "CRISIS_CONTACTS",
        "SCHEDULER_TICK_SECONDS",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_LISTEN",
        "WEBHOOK_PORT",
    ):
        assert f"\n{variable}=" in example or f"\n# {variable}=" in example, variable
