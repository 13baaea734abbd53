"""Every sentence a person reads, in one place: one catalogue module per feature.

`common` holds what every feature shares (welcomes, help, crisis contacts, errors); each
feature's own sentences live in its module (`bot.texts.sessions`, …). Placeholders are
named, so a translation (Welsh first) can be a catalogue of the same names.
"""

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from bot.i18n import _
from bot.texts.common import *  # noqa: F403
from bot.texts.dates import month_name


def _problems() -> dict[str, str]:
    """Every feature catalogue's PROBLEMS (answers to BadInput), merged under one roof."""
    import importlib
    import pkgutil

    merged: dict[str, str] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        module = importlib.import_module(f"{__name__}.{info.name}")
        problems = getattr(module, "PROBLEMS", {})
        # Two features answering the same key would silently shadow one another.
        if clash := merged.keys() & problems.keys():
            raise RuntimeError(f"bot.texts.{info.name} repeats problem keys {sorted(clash)}")
        merged.update(problems)
    return merged


INPUT_PROBLEMS = _problems()


def problem(key: str, details: Mapping[str, object]) -> str:
    """The answer to a BadInput, in the reader's language, its details filled in (a month
    given as a date is named in that language: "February 2027")."""
    values = dict(details)
    month = values.get("month")
    if isinstance(month, date):
        values["month"] = month_name(month, bool(values.pop("of_year", True)))
    return _(INPUT_PROBLEMS[key], **values)
