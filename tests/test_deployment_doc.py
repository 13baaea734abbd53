"""docs/deployment.md stays true to the code: its settings parse, its files and checks exist."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import from_env

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "deployment.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE, flags=re.DOTALL)


def test_the_replicas_env_is_a_valid_webhook_setup_with_health_checks() -> None:
    [env_block] = [b for b in blocks("sh") if "WEBHOOK_URL=" in b]
    env = {}
    for line in env_block.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["TELEGRAM_BOT_TOKEN"] = "123456789:AAE-example"
    env["WEBHOOK_SECRET"] = "a-secret"
    settings = from_env(env)
    assert settings.webhook_url == "https://bot.example.org/telegram"
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert (settings.webhook_port, settings.health_port) == (8443, 9100)
    # The proxy sends Telegram's calls to where each replica listens, on the URL's path.
    [nginx] = blocks("nginx")
    assert f"{settings.webhook_listen}:{settings.webhook_port}" in nginx
    assert "location = /telegram" in nginx
    assert f"{settings.webhook_listen}:{settings.health_port}/healthz" in GUIDE


def test_the_guide_names_what_exercises_its_replica_setup_and_every_metric() -> None:
    for path in ("tests/test_replicas.py", "drills/replicas.py"):
        assert (ROOT / path).is_file()
    assert "tests/test_replicas.py" in GUIDE and "python -m drills.replicas" in GUIDE
    from bot import metrics

    for family in metrics.REGISTRY.collect():
        counted = family.name + ("_total" if family.type == "counter" else "")
        assert f"`{counted}`" in GUIDE, counted


def test_the_systemd_unit_runs_peerbot_and_does_not_restart_on_a_bad_setting() -> None:
    [unit] = blocks("ini")
    assert "ExecStart=/srv/peerbot/.venv/bin/peerbot run" in unit
    assert "RestartPreventExitStatus=2" in unit  # exit code 2: a bad setting (bot/cli.py)


def test_the_doctor_sample_shows_every_check_doctor_makes() -> None:
    [sample] = blocks("text")[1:]
    names = [line[2:].split(":", 1)[0] for line in sample.splitlines()]
    assert names == ["settings", "database", "token", "updates", "backlog"]


def test_env_example_offers_health_port() -> None:
    assert "\nHEALTH_PORT=" in (ROOT / ".env.example").read_text()
