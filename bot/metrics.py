"""What an operator watches: the bot's Prometheus metrics, declared once.

One registry of our own (not prometheus-client's global one), so a test or the sandbox
that builds several applications in one process reads only peerbot's figures. Labels carry
handler names, delivery kinds, outcomes and error kinds — never an id, a name or a text.
Gauges that describe the database (the due backlog, its oldest age, open safety check-ins)
are set from the database when `/metrics` is scraped, so every replica reports the same.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter(
    "peerbot_updates_handled",
    "Updates handled, by the handler that took them.",
    ["handler"],
    registry=REGISTRY,
)
UPDATE_ERRORS = Counter(
    "peerbot_update_errors",
    "Updates whose handler failed, by handler.",
    ["handler"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "peerbot_deliveries",
    "Messages the bot sent on its own that were finished, by kind and outcome.",
    ["kind", "outcome"],
    registry=REGISTRY,
)
BOT_API_ERRORS = Counter(
    "peerbot_bot_api_errors",
    "Bot API errors, by kind: retry_after, timeout, network, forbidden, bad_request.",
    ["kind"],
    registry=REGISTRY,
)
DUE_UNSENT = Gauge(
    "peerbot_deliveries_due_unsent",
    "Deliveries that are due and not yet sent.",
    registry=REGISTRY,
)
OLDEST_DUE_AGE = Gauge(
    "peerbot_deliveries_oldest_due_age_seconds",
    "How long the oldest due-but-unsent delivery has waited.",
    registry=REGISTRY,
)
OPEN_CHECKINS = Gauge(
    "peerbot_safety_checkins_open",
    "Lone-working safety check-ins that are open now.",
    registry=REGISTRY,
)
