"""replicas: two `peerbot run` processes in webhook mode on one database share a burst.

    python -m drills.replicas [--reminders 5000]

Seeds N due hour-before reminders in a fresh PostgreSQL database on 127.0.0.1
(peerbot_drill_replicas_<pid>, dropped after), runs the local Bot API server in this
process (pushing updates to the two webhooks in turn, as a load balancer would) and two
`peerbot run` children with WEBHOOK_URL/SECRET/LISTEN/PORT of their own and
SCHEDULER_TICK_SECONDS=1, started at the same moment (or `--stagger` seconds apart), until
every reminder has arrived or a replica has exited. Who sent what is read from the
ledger (claimed_by names the process). Prints one line; exits 1 when a promise fails
(SPEC §7): both replicas keep running, lost 0, duplicates 0, neither replica sent more
than 65 %.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from drills.common import (
    drill_arguments,
    free_port,
    lost_and_duplicates,
    peerbot_env,
    received,
    reminder_burst,
    run_drill,
    start_peerbot,
    verdict,
)
from storage.models import Delivery
from storage.repositories.deliveries import SENT
from storage.uow import UnitOfWork

MOST = 0.65


async def stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        await asyncio.to_thread(child.wait)


async def drill(n: int, log: Path, longest: float, stagger: float) -> int:
    async with reminder_burst("replicas", n) as (api, url, db):
        children: list[subprocess.Popen[bytes]] = []
        try:
            urls = []
            started = time.monotonic()
            for _ in range(2):
                port = free_port()
                urls.append(f"http://127.0.0.1:{port}/telegram")
                env = peerbot_env(
                    api,
                    url,
                    WEBHOOK_URL=urls[-1],
                    WEBHOOK_SECRET="drill-secret",
                    WEBHOOK_LISTEN="127.0.0.1",
                    WEBHOOK_PORT=str(port),
                )
                if children and stagger:
                    await asyncio.sleep(stagger)
                children.append(start_peerbot(env, log))
            api.balance_across = urls
            deadline = time.monotonic() + longest
            while time.monotonic() < deadline and len(received(api, n)) < n:
                if any(c.poll() is not None for c in children):
                    break  # a replica died: what it left is counted below
                await asyncio.sleep(0.2)
            await asyncio.sleep(3)  # room for a late duplicate to show
            elapsed = time.monotonic() - started
            died = [
                f"{'ab'[i]}:{c.returncode}" for i, c in enumerate(children) if c.poll() is not None
            ]
            await stop(children)  # a replica stops after its tick: count the ledger after that
            webhook = bool(api.webhook_url)
            async with UnitOfWork(db) as uow:
                rows = await uow.session.execute(
                    select(Delivery.claimed_by, func.count())
                    .where(Delivery.state == SENT)
                    .group_by(Delivery.claimed_by)
                )
                by_owner = Counter({str(owner): count for owner, count in rows.all()})
        finally:
            await stop(children)
        got = received(api, n)
    pids = {str(c.pid): i for i, c in enumerate(children)}
    shares = [0, 0]
    for owner, count in by_owner.items():
        parts = owner.split(":")
        if len(parts) >= 2 and parts[1] in pids:
            shares[pids[parts[1]]] += count
    lost, duplicates = lost_and_duplicates(got, n)
    most = max(shares) / max(sum(shares), 1)
    ok = webhook and not died and lost == 0 and duplicates == 0 and most <= MOST
    return verdict(
        "replicas",
        ok,
        reminders=n,
        webhook="yes" if webhook else "NO",
        lost=lost,
        duplicates=duplicates,
        sent_by_a=shares[0],
        sent_by_b=shares[1],
        largest_share=f"{most:.0%} (at most {MOST:.0%})",
        exited_early=",".join(died) or "-",
        stagger=f"{stagger:g}s",
        elapsed=f"{elapsed:.0f}s",
    )


def main() -> None:
    parser = drill_arguments(__doc__, reminders=5000)
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait at most")
    parser.add_argument(
        "--stagger", type=float, default=0.0, help="seconds between the two starts (default 0)"
    )
    args = parser.parse_args()
    run_drill(args.log, lambda log: drill(args.reminders, log, args.timeout, args.stagger))


if __name__ == "__main__":
    main()
