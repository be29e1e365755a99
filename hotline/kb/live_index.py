"""The process's search index over the knowledge tables, kept in step with edits through the change feed.

Every process reads the same `knowledge_changes` rows, so an edit made through any API process is seen by
all of them at their next search, without a restart.
"""
from __future__ import annotations

import asyncio
import math
from collections import Counter
from typing import Any

import anyio
import asyncpg

from classifier.embedders import Embedder
from knowledge import text
from knowledge.answer import document_words
from knowledge.assist import PassageIndex, choose_passage
from knowledge.documents import Passage, article_passages, doc_id, matter_passages, row_document
from knowledge.gate import family_of
from knowledge.hybrid import HybridIndex, SearchHit
from knowledge.spelling import HomophoneCorrector
from hotline.infra.sql import load_queries


Q = load_queries(__file__)


class LiveKnowledgeIndex:
    def __init__(self, embedder: Embedder | None):
        self.index = HybridIndex(embedder) if embedder is not None else HybridIndex(mode="bm25")
        self.embedder_name = embedder.name if embedder is not None else None
        self.rows: dict[int, dict[str, Any]] = {}  # doc id -> the matter or article row
        self.seen_seq = 0
        self.words: dict[int, frozenset[str]] = {}  # doc id -> its search words, tokenised once per version
        self.names: dict[int, frozenset[str]] = {}  # doc id -> the words of its names, keywords and FAQ questions
        # doc id -> its clean passages, cut once per version: the panel picks one per hit without embedding
        self.passages: dict[int, PassageIndex] = {}
        self.members: dict[str, list[dict[str, Any]]] = {}  # family (gate.family_of) -> its rows, sub-items in order
        self.corrector = HomophoneCorrector(())
        self._document_frequency: Counter[str] = Counter()
        self._lock = asyncio.Lock()

    async def refresh(self, conn: asyncpg.Connection) -> int:
        """Apply edits made since the last look (from 0: load everything); returns how many documents changed."""
        latest = await conn.fetchval(Q.last_change)
        if latest <= self.seen_seq:
            return 0
        async with self._lock:
            if latest <= self.seen_seq:
                return 0
            changed = await conn.fetch(Q.changes_since, self.seen_seq, latest)
            matter_ids = [r["doc_id"] for r in changed if r["doc_kind"] == "matter"]
            article_ids = [r["doc_id"] for r in changed if r["doc_kind"] == "article"]
            matters = [dict(r) for r in await conn.fetch(Q.matters_by_ids, matter_ids)] if matter_ids else []
            articles = [dict(r) for r in await conn.fetch(Q.articles_by_ids, article_ids)] if article_ids else []
            gone = [doc_id(kind, row["id"]) for kind, rows in (("matter", matters), ("article", articles))
                    for row in rows if not row["active"]]
            await self._index([m for m in matters if m["active"]], [a for a in articles if a["active"]])
            if gone:
                self.index.remove(gone)
                for key in gone:
                    self.rows.pop(key, None)
                    self.words.pop(key, None)
                    self.names.pop(key, None)
                    self.passages.pop(key, None)
                await anyio.to_thread.run_sync(self._count_words)
            self.seen_seq = latest
            return len(changed)

    async def _index(self, matters: list[dict], articles: list[dict]) -> None:
        rows = [{**m, "kind": "matter"} for m in matters] + [{**a, "kind": "article"} for a in articles]
        documents = [row_document(row) for row in rows]
        for row, document in zip(rows, documents):
            self.rows[document["id"]] = row
            self.words[document["id"]] = document_words(row)
            self.names[document["id"]] = frozenset(text.words(f"{document['title']}\n{document['dense_text']}"))
            self.passages[document["id"]] = PassageIndex(
                matter_passages(row) if row["kind"] == "matter" else article_passages(row, text.passages))
        if documents:
            await anyio.to_thread.run_sync(self.index.add, documents)
        await anyio.to_thread.run_sync(self._count_words)

    def _count_words(self) -> None:
        frequency: Counter[str] = Counter()
        for words in self.words.values():
            frequency.update(words)
        self._document_frequency = frequency
        members: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(self.rows.values(), key=lambda r: (r["kind"], r["id"])):
            members.setdefault(family_of(row), []).append(row)
        self.members = members
        # Typos are put back onto the words a citizen would name a matter by: names, keywords, materials.
        vocabulary = set().union(*self.names.values()) if self.names else set()
        for row in self.rows.values():
            for material in row.get("materials") or []:
                vocabulary.update(text.words(material["name"]))
        self.corrector = HomophoneCorrector(vocabulary)

    def words_of(self, row: dict[str, Any]) -> frozenset[str]:
        return self.words[doc_id(row["kind"], row["id"])]

    def names_of(self, row: dict[str, Any]) -> frozenset[str]:
        return self.names[doc_id(row["kind"], row["id"])]

    def known(self, word: str) -> bool:
        return word in self._document_frequency

    def idf(self, word: str) -> float:
        """Rarity of a word in the knowledge base; a word it has never seen gets the highest weight."""
        return math.log((len(self.rows) + 1) / (self._document_frequency.get(word, 0) + 0.5))

    async def search(self, query: str, k: int = 10) -> list[tuple[SearchHit, dict[str, Any]]]:
        hits = await anyio.to_thread.run_sync(self.index.search, query, k)
        return [(hit, self.rows[hit.id]) for hit in hits if hit.id in self.rows]

    def passage_for(self, row: dict[str, Any], query: str, query_words: list[str] | None = None) -> Passage:
        """The clean passage of a hit that best answers `query` (cut and tokenised at index time; nothing is
        embedded)."""
        passages = self.passages.get(doc_id(row["kind"], row["id"]))
        if passages is None:
            return Passage(row_document(row)["title"])
        return choose_passage(passages, query, query_words=query_words)

    async def passage(self, row: dict[str, Any], query: str) -> Passage:
        return await anyio.to_thread.run_sync(self.passage_for, row, query)
