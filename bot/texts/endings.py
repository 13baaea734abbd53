"""How a programme ends: /close, the peer's toolbox, the three questions, the open door."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import N_, _, _n

# -- /close (the peer worker) ------------------------------------------------------

CLOSE_CHOOSE_PEER = N_("Whose programme would you like to close?")
CLOSE_NO_PEERS = N_("None of your peers has a programme running, so there is nothing to close.")
# The reasons, in storage.enums.CloseReason's order: no blame in any of them.
REASONS = {
    "chose_to_stop": N_("They chose to stop"),
    "moved_on": N_("They've moved on"),
    "no_contact": N_("We couldn't get in touch"),
    "other": N_("Another reason"),
}
BUTTON_CLOSE = N_("Yes, close it")
BUTTON_KEEP_GOING = N_("No, keep it going")
CLOSE_KEPT = N_("Nothing was changed: the programme carries on.")


def close_ask_reason(name: str) -> str:
    return _(
        "Close {name}'s programme? Please pick the reason that fits best. "
        "It's only for the service's own figures.",
        name=name,
    )


def close_sure(name: str, reason: str) -> str:
    first = _(
        "Close {name}'s programme ({reason})? Their upcoming sessions will be cancelled "
        "without counting against anyone, and their reminders stop.",
        name=name,
        reason=_(REASONS[reason]).lower(),
    )
    if reason == "no_contact":
        then = _(
            "They'll get one short message that the door is open if they'd like support again."
        )
    else:
        then = _("They'll get their toolbox: the strategies they tried and how each went.")
    return f"{first}\n\n{then}"


def closed(name: str, cancelled: int, reason: str) -> str:
    done = _("{name}'s programme is closed.", name=name)
    if cancelled:
        done += " " + _n(
            "{n} upcoming session was cancelled.",
            "{n} upcoming sessions were cancelled.",
            cancelled,
        )
    if reason == "no_contact":
        return done + " " + _("They'll get one short message that the door is open.")
    return done + " " + _("Their toolbox is on its way to them.")


PROBLEMS = {
    "close_gone": N_(
        "That programme has changed since (it may have ended already), so nothing was done."
    ),
    "ending_comment_too_long": N_("That's a bit long. Please keep it to {limit} characters."),
    "ending_comment_empty": N_("Type a few words, or press Skip."),
}

# -- the toolbox (the peer) -------------------------------------------------------------

TOOLBOX_FILENAME = "my-toolbox.pdf"
TOOLBOX_CAPTION = N_("Your toolbox on one page, to keep or print and stick on the fridge.")


def _line(name: str, tried: int, helped: int, a_bit: int) -> str:
    tries = _n("tried {n} time", "tried {n} times", tried)
    helps = _n("helped {n} time", "helped {n} times", helped)
    if a_bit:
        bits = _n("helped a bit {n} time", "helped a bit {n} times", a_bit)
        return _(
            "• {strategy}: {tried}, {helped}, {a_bit}",
            strategy=name,
            tried=tries,
            helped=helps,
            a_bit=bits,
        )
    return _("• {strategy}: {tried}, {helped}", strategy=name, tried=tries, helped=helps)


def toolbox(name: str, strategies: Sequence[tuple[str, int, int, int]]) -> str:
    """The warm message: (strategy, tried, helped, a bit), those that helped most first."""
    opening = _(
        "Your peer support programme has come to an end, {name}. "
        "Thank you for everything you put into it.",
        name=name,
    )
    if not strategies:
        rest = _(
            "You didn't log any strategies here, and that's fine: "
            "what you found helpful in your sessions is still yours to keep."
        )
        return f"{opening}\n\n{rest}"
    lines = "\n".join(_line(*s) for s in strategies)
    intro = _("Here is your toolbox: the strategies you tried, those that helped most first.")
    keep = _("They're yours to keep and come back to whenever you need them.")
    return f"{opening}\n\n{intro}\n{lines}\n\n{keep}"


# The one-page PDF.
PDF_TITLE = N_("My toolbox")
PDF_SUBTITLE = N_("The strategies I found work for me, those that helped most first.")
PDF_NONE = N_("No strategies were logged, and that's fine: what helped is still yours.")
PDF_STRATEGY = N_("Strategy")
PDF_TRIED = N_("Tried")
PDF_HELPED = N_("Helped")
PDF_A_BIT = N_("A bit")
PDF_CRISIS = N_("If things get hard, you don't have to wait:")


def pdf_made_for(name: str) -> str:
    return _("Made for {name} at the end of their peer support programme.", name=name)


# -- the three questions (SPEC §3) -------------------------------------------------------

QUESTION_HELPED = N_(
    "If you'd like, three short questions. Your answers are anonymous: the service only "
    "sees counts and averages. Skip any you like.\n\n"
    "How much has peer support helped? (1 is not at all, 5 is a lot)"
)
QUESTION_RECOMMEND = N_("Would you recommend it to someone in a similar situation?")
QUESTION_COMMENT = N_("Anything you'd like to say? Type it here, or press Skip.")
RECOMMEND = {"yes": N_("Yes"), "not_sure": N_("Not sure"), "no": N_("No")}
BUTTON_SKIP = N_("Skip")
PICK_BUTTON = N_("Please pick one of the buttons above, or press Skip.")
THANKS = N_("Thank you. Take good care of yourself, and all the best.")

# -- the open door ("could not be contacted") --------------------------------------------


def door_open(org_name: str, link: str | None) -> str:
    first = _(
        "We haven't been able to get in touch for a while, so your peer support programme "
        "with {org} has been closed. That's okay: the door is open.",
        org=org_name,
    )
    if link:
        how = _("If you'd like support again, open this link to ask: {link}", link=link)
    else:
        how = _("If you'd like support again, just ask the service and they'll refer you.")
    return f"{first}\n\n{how}"
