"""Forgiving comparison of what people type with names and labels.

Case, accents, apostrophes and emoji do not count: "sian" finds "Siân O'Connor-Nguyễn",
"ill be there" finds "I'll be there". Plain functions over strings; no storage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.services.errors import BadInput

T = TypeVar("T")
# The one answer for a name that is none of the person's peers (the same whether such a
# peer exists elsewhere or not: another worker's peers are not even confirmed to exist).
NO_SUCH_PEER = "no_such_peer"


@dataclass(frozen=True)
class Named:
    """A peer that a typed name could mean: the programme and the name as stored."""

    programme_id: int
    name: str


class SeveralPeers(BadInput):
    """The typed name fits several of the person's peers: which one? (`choices`)"""

    def __init__(self, given: str, choices: Sequence[Named]) -> None:
        listed = ", ".join(c.name for c in choices)
        super().__init__("several_peers", name=given[:64], choices=listed[:400])
        self.choices = tuple(choices)


def one_peer(given: str, peers: Sequence[Named]) -> Named:
    """The one peer `given` names (forgivingly: see `find`); else NO_SUCH_PEER or SeveralPeers."""
    found = find(given, peers, lambda p: p.name)
    name = " ".join(given.split())
    if not found:
        raise BadInput(NO_SUCH_PEER, name=name[:64])
    if len(found) > 1:
        raise SeveralPeers(name, found)
    return found[0]


_APOSTROPHES = re.compile(r"['’`ʼ]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Letters that do not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


def fold(text: str) -> str:
    """`text` lower-cased, without accents, apostrophes, emoji or punctuation, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = _APOSTROPHES.sub("", bare.translate(_LETTERS))
    return " ".join(_NOT_WORD.sub(" ", bare).split())


def words(text: str) -> tuple[str, ...]:
    """The folded words of `text`."""
    return tuple(fold(text).split())


def find(given: str, items: Sequence[T], name: Callable[[T], str]) -> list[T]:
    """The items whose name `given` means: the same name, else a unique first name or prefix.

    Returns every item that fits equally well (several: the caller asks which one).
    """
    wanted = fold(given)
    if not wanted:
        return []
    folded = [(item, fold(name(item))) for item in items]
    for fits in (
        lambda full: full == wanted,  # the whole name
        lambda full: full.split()[:1] == [wanted],  # the first name
        lambda full: full.startswith(wanted),  # the start of the name
        lambda full: any(w.startswith(wanted) for w in full.split()),  # the start of a word
    ):
        found = [item for item, full in folded if full and fits(full)]
        if found:
            return found
    return []


# Words that say yes or no to a yes/no keyboard, and words that only soften an answer.
YES = frozenset({"yes", "yeah", "yep", "yup", "y", "sure", "ok", "okay", "confirm", "definitely"})
NO = frozenset({"no", "nope", "nah", "n"})
FILLER = frozenset({"ok", "okay", "please", "pls", "thanks", "thank", "you", "the", "one", "oh"})
# Labels that say yes without the word (the peer's "I'll be there").
AFFIRMATIVE = frozenset({"ill be there", "ok", "done", "accept"})
_THUMBS = {"👍": " yes ", "👎": " no "}


def _said(typed: tuple[str, ...], label: tuple[str, ...]) -> bool:
    """Whether all of `label`'s words were typed, one after another (extra words allowed)."""
    n = len(label)
    return any(typed[i : i + n] == label for i in range(len(typed) - n + 1))


def _yes_no(label: tuple[str, ...]) -> str | None:
    if (label[:1] and label[0] in YES) or " ".join(label) in AFFIRMATIVE:
        return "yes"
    if label[:1] and label[0] in NO:
        return "no"
    return None


def choose(given: str, labels: Sequence[str]) -> list[int]:
    """The positions of the labels that `given` means: one is the choice; none or several,
    ask. Forgiving: case, accents and extra words do not count, a number is the n-th label,
    and "yes" or "no" is the label that says so."""
    for thumb, word in _THUMBS.items():
        given = given.replace(thumb, word)
    typed = words(given)
    folded = [words(label) for label in labels]
    if not typed:
        return []
    exact = [i for i, label in enumerate(folded) if label == typed]
    if exact:
        return exact
    if len(typed) == 1 and typed[0].isdigit():
        starting = [i for i, label in enumerate(folded) if label[:1] == typed]
        n = int(typed[0])
        return starting or ([n - 1] if 1 <= n <= len(labels) else [])
    said = [i for i, label in enumerate(folded) if label and _said(typed, label)]
    if said:
        longest = max(len(folded[i]) for i in said)
        return [i for i in said if len(folded[i]) == longest]
    meant = set(typed) - FILLER or set(typed)
    for answer, answer_words in (("yes", YES), ("no", NO)):
        if meant <= answer_words:
            return [i for i, label in enumerate(folded) if _yes_no(label) == answer]
    return [
        i
        for i, label in enumerate(folded)
        if all(any(w.startswith(t) for w in label) for t in meant)
    ]
