"""Bring citizen text onto one canonical form: Simplified Chinese, half-width ASCII, clean whitespace.

Decisions (each keeps ``normalise_text`` idempotent):
- Traditional -> Simplified with OpenCC ``t2s`` (converter built once, on first use), repeated until
  stable because a few of its mappings chain.
- NFKC does the full-width -> half-width folding (ＡＢＣ１２３＠－ -> ABC123@-, U+3000 -> space) and
  unifies compatibility ideographs, except for characters whose folding would change how Chinese text
  reads: the Chinese punctuation ，！？：；（） stays full-width (Chinese prose uses it, 。、“” are never
  folded by NFKC anyway), and …, ①-⒇ list markers, ㎡ ² ³ stay as written (NFKC would turn "①" into a
  bare digit that glues onto numbers and "㎡" into "m2").
- Control characters are removed except line breaks; tabs and other blank characters count as spaces;
  invisible format characters (zero-width spaces, BOM, direction marks) are removed.
- Whitespace runs collapse to one space, or to one newline when the run contained a line break; the
  ends are stripped.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Characters that NFKC would fold but that read differently once folded; see the module docstring.
_KEEP_AS_WRITTEN = re.compile("([，！？：；（）…\u2460-\u24ff㎡²³])")

# Line separators become "\n" before anything else so the whitespace rule sees them as line breaks.
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c]")

# C0/C1 controls other than \t and \n, invisible format characters, and lone surrogates (which cannot
# be encoded for OpenCC or the database).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)

_WHITESPACE_RUN = re.compile(r"\s+")

# OpenCC t2s chains are at most two steps over every CJK code point; the bound guards against a cycle.
_MAX_CONVERSIONS = 4


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _fold_compatibility(text: str) -> str:
    """NFKC on everything except the characters kept as written."""
    parts = _KEEP_AS_WRITTEN.split(text)
    # split() with one capture group puts the kept characters at the odd indexes.
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


def _simplify(text: str) -> str:
    """Convert to Simplified until nothing changes: a few OpenCC mappings chain (薴 -> 苧 -> 苎)."""
    converter = _to_simplified()
    for _ in range(_MAX_CONVERSIONS):
        simplified = converter.convert(text)
        if simplified == text:
            break
        text = simplified
    return text


def _collapse_whitespace(match: re.Match[str]) -> str:
    return "\n" if "\n" in match.group() else " "


def normalise_text(text: str) -> str:
    """Return ``text`` in Simplified Chinese with half-width ASCII, no control characters and tidy whitespace."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _fold_compatibility(text)
    if not text.isascii():
        text = _simplify(text)
    text = _WHITESPACE_RUN.sub(_collapse_whitespace, text)
    return text.strip()
