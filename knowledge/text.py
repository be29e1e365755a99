"""Search-side text handling: fold Traditional/full-width input onto one form, then cut it into terms and passages."""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import jieba
import opencc

# Question words and particles carry no topic: an answer never repeats "请问…怎么办呢".
QUESTION_WORDS = frozenset(
    "请问 如何 怎么 怎样 怎么办 什么 哪些 哪里 哪个 是否 可否 能否 可以 需要 吗 呢 吧 啊 的 了 么 我 我们 你 您 "
    "要 带 办 拿 想 啥 咋".split()  # 要带啥, 想办: what the caller wants done, said in every question
)

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_TERM_CHARS = re.compile(r"\w+")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _search_tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer, built once per process on first use so importing stays cheap."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            jieba.setLogLevel(60)  # jieba logs its dictionary cache build at INFO
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer = tokenizer
    return _tokenizer


def normalise(text: str) -> str:
    """Traditional -> Simplified, full-width -> half-width (NFKC), lowercase."""
    return _to_simplified().convert(unicodedata.normalize("NFKC", text)).lower()


def words(text: str) -> list[str]:
    """Search terms of normalised text: jieba search-mode words (compounds plus their parts), no punctuation or question words."""
    return [
        token
        for token in _search_tokenizer().lcut_for_search(normalise(text))
        if _TERM_CHARS.fullmatch(token) and token not in QUESTION_WORDS
    ]


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs inside each run of letters/digits/Han, so a segmentation miss still matches."""
    grams = []
    for run in _TERM_CHARS.findall(normalise(text)):
        grams.extend(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    return grams


def passages(text: str, *, min_chars: int = 12, max_chars: int = 160) -> list[str]:
    """Split a document into sentence-sized passages, joining fragments shorter than `min_chars`."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if out and (len(out[-1]) < min_chars or len(sentence) < min_chars) and len(out[-1]) + len(sentence) <= max_chars:
            out[-1] += sentence
        else:
            out.append(sentence)
    return out or [text.strip()]
