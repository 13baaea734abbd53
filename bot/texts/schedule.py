"""Guided and one-line /schedule, for peer workers: what it asks and what it says is wrong."""

from __future__ import annotations

PICK_PEER = "Who is the session with?"
PICK_DAY = "Which day?"
PICK_TIME = "What time? Pick one, or type it, like 14:30 or 6pm."
PICK_LENGTH = "How long? Pick one, or type the minutes ({low} to {high})."
PICK_PLACE = "Where? Type the place, or pick one."
PICK_BUTTON = "Please pick one of the buttons above."
BUTTON_NO_PLACE = "Decide later"


def length_label(minutes: int) -> str:
    return f"{minutes} min"


PROBLEMS = {
    "schedule_usage": "To schedule in one line: /schedule <peer name> <day> <time> [minutes, {low} to {high}] [place], like /schedule Sam tomorrow 6pm or /schedule Sam 31/12 10:00 45. Or send /schedule alone and I'll guide you.",
    "length_unreadable": "I couldn't read the length “{given}”. Please type the minutes, from {low} to {high}, like 45.",
    "schedule_no_peer": "Please start with the peer's name: /schedule Sam 2026-12-03 10:00",
    "time_missing": "Please add a time after the date, like 10:00.",
    "date_unreadable": "I couldn't read the date “{given}”. You can write it like 31/12, 31 Dec, 2026-12-31, tomorrow or Thursday.",
    "date_nonexistent": "There is no {given}: {month} has {days} days. Please check the day.",
    "date_too_far": "That's more than a year ahead. Please pick a date within the next {days} days.",
    "time_unreadable": "I couldn't read the time “{given}”. You can write it like 14:30, 18.00 or 6pm.",
    "time_skipped": "{given} doesn't exist that day because the clocks change. Please pick another time.",
    "place_too_long": "That place is a bit long. Please keep it to {limit} characters.",
    # One wording for a name that is none of the worker's peers, from every command.
    "no_such_peer": "I can't find a peer of yours called “{name}”. /peers lists them.",
    "several_peers": "More than one of your peers could be “{name}”: {choices}. Which one?",
    "programme_finished": "That peer's programme has finished, so no more sessions can be booked.",
    "length_out_of_range": "A session can be {low} to {high} minutes long.",
    "time_in_past": "That time has already passed. Please pick a time in the future.",
    "clash": "That overlaps another session in your diary. Please pick another time.",
    "no_peers_yet": "You have no peers yet. /addpeer adds one.",
}
