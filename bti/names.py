"""Finding the names of children and guardians in a text (a commit or tag message), however written.

A `NameIndex` is built once from the names of every case of a repository; checking a message then
costs a look-up per word, whatever the number of cases. Both the names and the message go through
the same normalisation: NFKC (so "å" written as a + ring, fullwidth letters and ligatures compare
equal), invisible format characters and stray combining marks dropped (a zero-width space inside a
name hides nothing), and casefold (upper case, "ß"). Pure: no git, no files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Shorter name parts ("Bo", "Li") are found only as part of the full name: as words on their own
# they are too common to refuse a message for.
MIN_PART = 3

_WORD = re.compile(r"\w+")


def _dropped(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Mn", "Me")


def fold(text: str) -> str:
    """`text` as compared: NFKC, without format characters or leftover combining marks, casefolded."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(c for c in text if not _dropped(c))
    return unicodedata.normalize("NFKC", text.casefold())


def parts(name: str) -> tuple[str, ...]:
    """A name as the index keeps it: its words, folded."""
    return tuple(word for _, _, word in _folded_words(name))


def _folded_words(text: str) -> Iterator[tuple[int, int, str]]:
    """The words of `text` with their offsets in `text` itself, each folded.

    Folding is done word by word on the original text so that offsets stay true; format characters
    and combining marks inside a word are skipped rather than ending it ("O\u200bla" is one word)."""
    if text.isascii() or not any(_dropped(c) for c in text if not c.isascii()):
        # nothing to skip inside a word: words are \w runs, found at C speed
        for match in _WORD.finditer(text):
            yield match.start(), match.end(), fold(match.group())
        return
    n = len(text)
    i = 0
    while i < n:
        if not _in_word(text, i):
            i += 1
            continue
        start = i
        while i < n and _in_word(text, i):
            i += 1
        word = fold(text[start:i])
        if word:
            yield start, i, word


def _in_word(text: str, i: int) -> bool:
    char = text[i]
    return char.isalnum() or char == "_" or (not char.isascii() and _dropped(char))


@dataclass
class NameIndex:
    """The names of a repository's subjects and guardians, prepared for look-up by word."""

    # single words that are a name on their own: a name part of at least MIN_PART letters, and
    # every full name written without spaces ("olatestesen")
    words: set[str] = field(default_factory=set)
    # full names of several words, by their first word: ("bo", "li") under "bo"
    phrases: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def build(cls, names: Iterable[str]) -> NameIndex:
        index = cls()
        for name in names:
            index.add(name)
        return index

    def add(self, name: str) -> None:
        self.add_parts(parts(name))

    def add_parts(self, parts: Iterable[str]) -> None:
        """Add a name already split into folded words (see `parts`), as a cache keeps them."""
        parts = tuple(parts)
        if not parts:
            return
        self.words.update(p for p in parts if len(p) >= MIN_PART and not p.isdigit())
        if len(parts) > 1:
            self.words.add("".join(parts))
            self.phrases.setdefault(parts[0], set()).add(parts)

    def as_data(self) -> dict[str, list[str] | list[list[str]]]:
        """The index as JSON-ready data (see `from_data`)."""
        phrases = sorted(list(p) for group in self.phrases.values() for p in group)
        return {"words": sorted(self.words), "phrases": phrases}

    @classmethod
    def from_data(cls, data: dict[str, list[str] | list[list[str]]]) -> NameIndex:
        index = cls(words=set(data["words"]))  # type: ignore[arg-type]
        for phrase in data["phrases"]:
            if isinstance(phrase, list) and phrase:
                index.phrases.setdefault(phrase[0], set()).add(tuple(phrase))
        return index

    def __len__(self) -> int:
        return len(self.words) + sum(len(p) for p in self.phrases.values())

    def _is_name(self, word: str) -> bool:
        if word in self.words:
            return True
        # the genitive: Olas, Testesens (Testesen's and Testesens' split at the apostrophe)
        return word.endswith("s") and word[:-1] in self.words

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Start and end offsets in `text` of every name written in it."""
        words = list(_folded_words(text)) if self.words or self.phrases else []
        found: list[tuple[int, int]] = []
        for i, (start, end, word) in enumerate(words):
            if self._is_name(word):
                found.append((start, end))
            for phrase in self.phrases.get(word, ()):
                last = i + len(phrase) - 1
                if last >= len(words):
                    continue
                said = [w for _, _, w in words[i : last + 1]]
                tail = said[-1]
                if said[:-1] == list(phrase[:-1]) and (
                    tail == phrase[-1] or (tail.endswith("s") and tail[:-1] == phrase[-1])
                ):
                    found.append((start, words[last][1]))
        # one hit per place: "Ola Testesen" is one name, not three
        found.sort(key=lambda span: (span[0], -span[1]))
        kept: list[tuple[int, int]] = []
        for span in found:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def find(self, text: str) -> list[str]:
        """The names found in `text`, as written there (each distinct spelling once)."""
        return list(dict.fromkeys(text[start:end] for start, end in self.spans(text)))
