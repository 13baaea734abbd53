"""The fuzz drill's update generator (Hypothesis strategies), one spec tuple per update."""

from __future__ import annotations

from hypothesis import strategies as st

from bot import callbacks as cb

ROLES = ("coordinator", "worker_a", "worker_b", "peer_a", "peer_b", "stranger")
# Peers' names (what /addpeer calls them): the personal data the fuzz looks for.
PEER_A, PEER_B = "Zephyrine", "Ottoline"
COMMANDS = (
    "start", "help", "invite", "addpeer", "next", "sessions", "schedule", "rearrange",
    "diary", "peers", "outcome", "log", "summary", "strategies", "reminders", "stop",
    "settings", "team", "digest", "mydata", "forget", "calendar", "cancel", "nosuch",
)  # fmt: skip
BUTTONS = [v for v in vars(cb).values() if isinstance(v, cb.Callback)]

odd_text = st.one_of(
    st.text(min_size=1, max_size=60),
    st.text(min_size=500, max_size=4096),
    st.sampled_from(
        ["‮evil", "\u200b", "a" * 4096, "😀" * 1000, "<b>x</b>", "*_`[", "\n\n\n", "0", "-1"]
    ),
).filter(lambda t: t.strip() != "")
names = st.sampled_from([PEER_A, PEER_B, "Sam", "Nobody", "", "A" * 300])
dates = st.sampled_from(
    ["2026-12-10 10:00", "9999-12-31 23:30", "9999-12-31 10:00", "0001-01-01 00:00",
     "2026-02-30 10:00", "tomorrow", "25:99", "10:00", "2027-01-01 24:00"]
)  # fmt: skip
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
arguments = st.one_of(
    st.just(""),
    names,
    st.tuples(names, dates).map(" ".join),
    numbers,
    st.text(min_size=1, max_size=200),
)
forged = st.one_of(
    st.tuples(st.sampled_from(BUTTONS), st.lists(numbers, max_size=4)).map(
        lambda t: ":".join([t[0].prefix, t[0].action, *t[1]])
    ),
    st.text(min_size=1, max_size=64),
    st.sampled_from(
        ["ses:ok:99999999999999999999:1", "sch:day:99999999", "rea:pick:1:1:" + "9" * 20]
    ),
)
actor = st.sampled_from(ROLES)
update_spec = st.one_of(
    st.tuples(st.just("command"), actor, st.sampled_from(COMMANDS), arguments),
    st.tuples(st.just("text"), actor, odd_text),
    st.tuples(
        st.just("button"),
        actor,
        st.sampled_from(["own", "stale", "other"]),
        st.integers(0, 50),
        actor,
    ),
    st.tuples(st.just("forged"), actor, forged),
    st.tuples(st.just("group"), actor, st.sampled_from(COMMANDS), arguments),
    st.tuples(st.just("block"), actor, st.booleans()),
)
