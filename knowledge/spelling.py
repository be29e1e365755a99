"""Homophone typos in a question (身分证, 补半, 低宝, 公基金) put back onto the knowledge base's own words.

Citizens type with pinyin input methods, so their slips are mostly a right-sounding wrong character. A piece of two
to four characters is replaced by a word of the knowledge base when it sounds the same (toneless pinyin of each
character's usual reading), differs in one character only, is not itself a common word, and is made of whole
dictionary tokens (jieba without its new-word guessing), so a correction never cuts through a real word: 孩子的出生
does not become 孩子提出生.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

from knowledge import text

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LENGTHS = (4, 3, 2)
# A dictionary word this common is what the citizen meant (怎么, 一下); rarer ones are often slips (身分证, 天燃气).
COMMON_WORD_FREQUENCY = 100
# Question and function characters are what the citizen meant even next to a topic word (找谁管 is not 找水管).
NEVER_REPLACED = frozenset("谁什么吗呢吧啊哪怎几多没不个了的是有在要能会可一以这那就都也还和与或被把给让")


@lru_cache(maxsize=20_000)
def _reading(char: str) -> str:
    return lazy_pinyin(char)[0]


def _sound(piece: str) -> tuple[str, ...]:
    """Each character's usual reading: what the citizen typed to get it."""
    return tuple(_reading(c) for c in piece)


class HomophoneCorrector:
    """`correct(text)` swaps sound-alike misspellings for words of `vocabulary` (the knowledge base's words)."""

    def __init__(self, vocabulary: Iterable[str]):
        self.vocabulary = frozenset(w for w in vocabulary if 2 <= len(w) <= max(_LENGTHS) and _HAN_RUN.fullmatch(w))
        self._by_sound: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for word in self.vocabulary:
            # the word's own reading (phrase-aware: 银行 is yin hang) and its characters' usual ones
            for key in {tuple(lazy_pinyin(word)), _sound(word)}:
                self._by_sound[key].add(word)

    def candidate(self, piece: str) -> str | None:
        """The one vocabulary word that sounds like `piece` and differs in one character, if exactly one does."""
        found = set()
        for word in self._by_sound.get(_sound(piece), ()):
            changed = [a for a, b in zip(piece, word) if a != b]
            if len(changed) == 1 and changed[0] not in NEVER_REPLACED:
                found.add(word)
        return found.pop() if len(found) == 1 else None

    def correct(self, text: str) -> str:
        return _HAN_RUN.sub(lambda match: self._correct_run(match.group()), text)

    def _correct_run(self, run: str) -> str:
        tokenizer = text._search_tokenizer()
        boundaries, position = {0}, 0
        for token in tokenizer.lcut(run, HMM=False):
            position += len(token)
            boundaries.add(position)
        out, i = [], 0
        while i < len(run):
            replacement, step = run[i], 1
            for length in _LENGTHS if i in boundaries else ():
                piece = run[i : i + length]
                if len(piece) < length or i + length not in boundaries:
                    continue
                if piece in self.vocabulary or tokenizer.FREQ.get(piece, 0) >= COMMON_WORD_FREQUENCY:
                    break  # a real word: what the citizen meant
                fixed = self.candidate(piece)
                if fixed is not None:
                    replacement, step = fixed, length
                    break
            out.append(replacement)
            i += step
        return "".join(out)
