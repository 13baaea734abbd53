"""Guided and one-line /schedule, for peer workers: what it asks and what it says is wrong."""

from __future__ import annotations

from bot.i18n import N_, _

PICK_PEER = N_("Who is the session with?")
PICK_DAY = N_("Which day?")
PICK_TIME = N_("What time? Pick one, or type it, like 14:30 or 6pm.")
PICK_LENGTH = N_("How long? Pick one, or type the minutes ({low} to {high}).")
PICK_PLACE = N_("Where? Type the place, or pick one.")
PICK_BUTTON = N_("Please pick one of the buttons above.")
BUTTON_NO_PLACE = N_("Decide later")


def length_label(minutes: int) -> str:
    return _("{minutes} min", minutes=minutes)


PROBLEMS = {
    "schedule_usage": N_(
        "To schedule in one line: /schedule <peer name> <day> <time> [minutes, {low} to {high}] [place], like /schedule Sam tomorrow 6pm or /schedule Sam 31/12 10:00 45. Or send /schedule alone and I'll guide you."
    ),
    "length_unreadable": N_(
        "I couldn't read the length “{given}”. Please type the minutes, from {low} to {high}, like 45."
    ),
    "schedule_no_peer": N_("Please start with the peer's name: /schedule Sam 2026-12-03 10:00"),
    "time_missing": N_("Please add a time after the date, like 10:00."),
    "date_unreadable": N_(
        "I couldn't read the date “{given}”. You can write it like 31/12, 31 Dec, 2026-12-31, tomorrow or Thursday."
    ),
    "date_nonexistent": N_("There is no {given}: {month} has {days} days. Please check the day."),
    "date_too_far": N_(
        "That's more than a year ahead. Please pick a date within the next {days} days."
    ),
    "time_unreadable": N_(
        "I couldn't read the time “{given}”. You can write it like 14:30, 18.00 or 6pm."
    ),
    "time_skipped": N_(
        "{given} doesn't exist that day because the clocks change. Please pick another time."
    ),
    "place_too_long": N_("That place is a bit long. Please keep it to {limit} characters."),
    # One wording for a name that is none of the worker's peers, from every command.
    "no_such_peer": N_("I can't find a peer of yours called “{name}”. /peers lists them."),
    "several_peers": N_("More than one of your peers could be “{name}”: {choices}. Which one?"),
    "programme_finished": N_(
        "That peer's programme has finished, so no more sessions can be booked."
    ),
    "length_out_of_range": N_("A session can be {low} to {high} minutes long."),
    "time_in_past": N_("That time has already passed. Please pick a time in the future."),
    "clash": N_("That overlaps another session in your diary. Please pick another time."),
    "no_peers_yet": N_("You have no peers yet. /addpeer adds one."),
}
