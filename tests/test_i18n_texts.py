"""What people read, in each language: plurals for 0, 1, 2 and 11, dates either side of a
clock change, lists, the crisis contacts, and English exactly as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.config import Settings, from_env
from bot.i18n import _, _n, current, join, pick, speaking, use_default
from bot.texts import reminders as tr, strategies as tst
from bot.texts.dates import TODAY, day_label, hhmm, long_date, when

LONDON = "Europe/London"


@pytest.mark.parametrize(
    ("n", "english", "welsh"),
    [
        (0, "0 days", "0 diwrnod"),
        (1, "1 day", "1 diwrnod"),
        (2, "2 days", "2 ddiwrnod"),
        (11, "11 days", "11 diwrnod"),
    ],
)
def test_counted_days_read_right_in_both_languages(n: int, english: str, welsh: str) -> None:
    assert tr.lead(n * 1440) == english
    with speaking("cy"):
        assert tr.lead(n * 1440) == welsh


@pytest.mark.parametrize(
    ("n", "english", "welsh"),
    [
        (0, "“Walk”: no entries.", "“Walk”: dim cofnodion."),
        (1, "“Walk”: 1 entry.", "“Walk”: 1 cofnod."),
        (2, "“Walk”: 2 entries.", "“Walk”: 2 gofnod."),
        (11, "“Walk”: 11 entries.", "“Walk”: 11 cofnod."),
    ],
)
def test_counted_entries_read_right_in_both_languages(n: int, english: str, welsh: str) -> None:
    assert tst.strategy_details("Walk", n).startswith(english)
    with speaking("cy"):
        assert tst.strategy_details("Walk", n).startswith(welsh)


@pytest.mark.parametrize(
    ("n", "english", "welsh"),
    [
        (0, "0 minutes", "0 munud"),
        (1, "1 minute", "1 munud"),
        (2, "2 minutes", "2 funud"),
        (11, "11 minutes", "11 munud"),
    ],
)
def test_counted_minutes_read_right_in_both_languages(n: int, english: str, welsh: str) -> None:
    assert _n("{n} minute", "{n} minutes", n) == english  # as /settings' summary timings
    with speaking("cy"):
        assert _n("{n} minute", "{n} minutes", n) == welsh


def test_a_programme_s_sessions_are_counted_in_each_language() -> None:
    link = "https://t.me/bot?start=x"
    expires = datetime(2026, 12, 16, tzinfo=UTC)
    assert texts.invitation_for_peer("Sam", 10, link, expires).startswith(
        "Sam is added, with a programme of 10 sessions.\n\n"
    )
    assert "until 16 December 2026." in texts.invitation_for_peer("Sam", 1, link, expires)
    assert "a programme of 1 session." in texts.invitation_for_peer("Sam", 1, link, expires)
    with speaking("cy"):
        welsh = texts.invitation_for_peer("Sam", 11, link, expires)
    assert welsh.startswith("Rydw i wedi ychwanegu Sam, gyda rhaglen o 11 sesiwn.")
    assert "a than 16 Rhagfyr 2026." in welsh


# Europe/London leaves summer time at 01:00 UTC on Sunday 25 October 2026 and returns to it
# at 01:00 UTC on Sunday 28 March 2027: 09:00 UTC reads 10:00, then 09:00, then 10:00.
@pytest.mark.parametrize(
    ("moment", "english", "welsh"),
    [
        (datetime(2026, 10, 24, 9, tzinfo=UTC), "Sat 24 Oct, 10:00", "Sad 24 Hyd, 10:00"),
        (datetime(2026, 10, 26, 9, tzinfo=UTC), "Mon 26 Oct, 09:00", "Llun 26 Hyd, 09:00"),
        (datetime(2027, 3, 27, 9, tzinfo=UTC), "Sat 27 Mar, 09:00", "Sad 27 Maw, 09:00"),
        (datetime(2027, 3, 29, 9, tzinfo=UTC), "Mon 29 Mar, 10:00", "Llun 29 Maw, 10:00"),
    ],
)
def test_dates_read_right_either_side_of_a_clock_change(
    moment: datetime, english: str, welsh: str
) -> None:
    token = TODAY.set(date(2026, 10, 20))
    try:
        assert when(moment, LONDON) == english
        with speaking("cy"):
            assert when(moment, LONDON) == welsh
    finally:
        TODAY.reset(token)


def test_a_reminder_says_the_day_in_full_on_either_side_of_the_clock_change() -> None:
    before = datetime(2026, 10, 24, 9, tzinfo=UTC).astimezone(ZoneInfo(LONDON))
    after = datetime(2026, 10, 26, 9, tzinfo=UTC).astimezone(ZoneInfo(LONDON))
    assert tr.when(before) == "Saturday 24 October at 10:00"
    assert tr.when(after) == "Monday 26 October at 09:00"
    with speaking("cy"):
        assert tr.when(before) == "Dydd Sadwrn 24 Hydref am 10:00"
        assert tr.when(after) == "Dydd Llun 26 Hydref am 09:00"


def test_a_far_date_shows_its_year_and_the_clock_has_24_hours() -> None:
    token = TODAY.set(date(2026, 12, 2))
    try:
        assert day_label(date(2027, 9, 2)) == "Thu 2 Sep 2027"
        with speaking("cy"):
            assert day_label(date(2027, 9, 2)) == "Iau 2 Medi 2027"
            assert hhmm(time(18, 5)) == "18:05"
            assert long_date(date(2026, 12, 16)) == "16 Rhagfyr 2026"
    finally:
        TODAY.reset(token)


def test_lists_join_as_each_language_does() -> None:
    assert join(["a", "b", "c"]) == "a, b and c"
    assert join(["a"]) == "a"
    with speaking("cy"):
        assert join(["un", "dau", "tri"]) == "un, dau a tri"
        assert join(["y diwrnod cynt", "awr cyn y sesiwn"]) == "y diwrnod cynt ac awr cyn y sesiwn"


def test_the_reminder_choice_lists_what_was_chosen_in_english_as_before() -> None:
    panel = tr.panel(
        day_before=time(19),
        morning=time(8),
        hour_before=True,
        quiet=None,
        paused=False,
        in_quiet=[],
    )
    assert (
        "Your choice: the day before at 19:00, on the morning at 08:00 and an hour before." in panel
    )


def test_a_telegram_language_is_used_only_when_we_ship_it() -> None:
    assert pick("cy", "en") == "cy"
    assert pick("cy-GB", "en") == "cy"
    assert pick("fr", "en") == "en"
    assert pick(None, "cy") == "cy"


def test_the_deployment_default_speaks_to_whoever_has_no_language_of_their_own() -> None:
    try:
        use_default("cy")
        assert current() == "cy"
        assert _("Done") == "Wedi gorffen"
        with speaking("en"):
            assert _("Done") == "Done"
    finally:
        use_default("en")
    assert _("Done") == "Done"


def test_the_crisis_contacts_are_worded_in_each_language_and_configurable_per_language() -> None:
    default = Settings()
    assert default.contacts_in("en")[0] == "Samaritans: call 116 123, free, any time, day or night"
    welsh = default.contacts_in("cy")
    assert "0808 164 0123" in welsh[0] and "116 123" in welsh[0]
    assert welsh[2] == "999 mewn argyfwng"
    own = from_env({"CRISIS_CONTACTS": "Samaritans 116 123"})
    assert own.contacts_in("cy") == ("Samaritans 116 123",)  # set once, for every language
    both = from_env(
        {"CRISIS_CONTACTS": "Samaritans 116 123", "CRISIS_CONTACTS_CY": "Samariaid 0808 164 0123"}
    )
    assert both.contacts_in("cy") == ("Samariaid 0808 164 0123",)
    assert both.contacts_in("en") == ("Samaritans 116 123",)


def test_a_bad_default_language_stops_the_start_naming_the_variable() -> None:
    assert from_env({"DEFAULT_LANGUAGE": "cy"}).default_language == "cy"
    with pytest.raises(Exception, match="DEFAULT_LANGUAGE"):
        from_env({"DEFAULT_LANGUAGE": "xx"})


def test_typed_answers_are_understood_in_the_reader_s_language_too() -> None:
    assert tst.outcome_from_text("it helped") == "helped"
    assert tst.is_skip("Skip!")
    with speaking("cy"):
        assert tst.outcome_from_text("Wedi helpu") == "helped"
        assert tst.is_skip("hepgor")
        assert tst.is_skip("skip")
