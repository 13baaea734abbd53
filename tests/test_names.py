"""Forgiving names and labels (issue 13, points 1 and 7): case, accents, emoji and extra
words do not count."""

from __future__ import annotations

import pytest

from bot.services.names import choose, find, fold

CARD = ["I'll be there", "Rearrange", "Can't make it", "Add to my calendar"]
SURE = ["Yes, cancel it", "No, keep it"]


def test_fold_drops_case_accents_apostrophes_and_emoji() -> None:
    assert fold("Siân O'Connor-Nguyễn 🌻") == "sian oconnor nguyen"
    assert fold("I’ll be THERE!") == "ill be there"


@pytest.mark.parametrize(
    ("typed", "labels", "chosen"),
    [
        ("yes", CARD, [0]),
        ("I'll be there!", CARD, [0]),
        ("ok i'll be there", CARD, [0]),
        ("👍", CARD, [0]),
        ("2", CARD, [1]),
        ("rearr", CARD, [1]),
        ("banana", CARD, []),
        ("9", CARD, []),
        ("no", CARD, []),  # no label says no: ask, rather than guess
        ("yes", SURE, [0]),
        ("No thanks", SURE, [1]),
        ("yes, cancel it please", SURE, [0]),
        ("45", ["30 min", "45 min", "60 min"], [1]),  # a label's own number first
        ("sam", ["Sam", "Samira"], [0]),
        ("sa", ["Sam", "Samira"], [0, 1]),  # several: ask
    ],
)
def test_choose_a_label_forgivingly(typed: str, labels: list[str], chosen: list[int]) -> None:
    assert choose(typed, labels) == chosen


@pytest.mark.parametrize(
    ("given", "found"),
    [
        ("sian", ["Siân O'Connor-Nguyễn"]),
        ("Siân", ["Siân O'Connor-Nguyễn"]),
        ("SIAN O'CONNOR-NGUYEN", ["Siân O'Connor-Nguyễn"]),
        ("nguyen", ["Siân O'Connor-Nguyễn"]),
        ("sam", ["Sam"]),  # the whole name beats a prefix of Samira
        ("s", ["Siân O'Connor-Nguyễn", "Sam", "Samira"]),
        ("zed", []),
    ],
)
def test_find_a_name_forgivingly(given: str, found: list[str]) -> None:
    assert find(given, ["Siân O'Connor-Nguyễn", "Sam", "Samira"], str) == found
