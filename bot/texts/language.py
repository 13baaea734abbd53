"""/language: which language the bot speaks to a person."""

from __future__ import annotations

from bot.i18n import N_, _, language_name

PROBLEMS = {
    "language_unknown": N_("That isn't a language I speak yet. /language shows the ones I do."),
}


def choose(current: str) -> str:
    return _(
        "I'm speaking {language} with you. Which language would you like?",
        language=language_name(current),
    )


def chosen(language: str) -> str:
    return _("Done: I'll speak {language} with you from now on.", language=language_name(language))
