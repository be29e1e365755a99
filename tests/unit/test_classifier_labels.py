"""The project's labels of real messages: by source and id only, two annotators' agreement, a fixed held-out part."""
import json
from collections import Counter

import pytest

from classifier.labels import (LABEL_FILE, agreement_report, cohen_kappa, load_messages, read_label_rows,
                               split_of)
from tests.conftest import SHARED_DATA, needs_shared_data

SOURCES = {"tipdm_messages_unlabeled.jsonl", "tipdm_messages_with_votes.jsonl", "tipdm_messages_with_replies.jsonl"}


def test_kappa_counts_agreement_beyond_chance():
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.0  # as often as chance would agree
    assert cohen_kappa(["a", "a", "a", "b"], ["a", "a", "b", "b"]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        cohen_kappa(["a"], [])


def test_the_label_file_holds_no_text_and_every_head_was_settled_by_two_or_three_readings():
    rows = read_label_rows()
    assert len(rows) >= 4000
    for row in rows:
        assert set(row) <= {"source", "id", "type", "urgency", "category", "a", "b", "c"}, row
        assert row["source"] in SOURCES and isinstance(row["id"], int)
        for head, column in (("type", 0), ("urgency", 1)):
            if row[head] is not None:  # settled: both first readings agree, or the third sides with one of them
                readings = [row[r][column] for r in ("a", "b", "c") if r in row]
                assert readings.count(row[head]) >= 2
    report = agreement_report()
    assert report["messages"] == len(rows) and report["type"]["kappa"] > 0.8


def test_the_held_out_quarter_is_fixed_by_the_message_key():
    rows = read_label_rows()
    splits = Counter(split_of(r["source"], r["id"]) for r in rows)
    assert 0.2 < splits["test"] / len(rows) < 0.3
    assert split_of("tipdm_messages_with_votes.jsonl", 215205) == split_of("tipdm_messages_with_votes.jsonl", 215205)


@needs_shared_data(*sorted(SOURCES))
def test_labels_join_their_messages_and_a_missing_one_is_named(tmp_path):
    messages = load_messages(SHARED_DATA)
    assert len(messages) == len(read_label_rows()) and all(m.text for m in messages)
    broken = tmp_path / "labels.jsonl"
    broken.write_text(json.dumps({"source": "tipdm_messages_with_votes.jsonl", "id": -1, "type": "consult"}) + "\n")
    with pytest.raises(ValueError, match="no message -1 in tipdm_messages_with_votes.jsonl"):
        load_messages(SHARED_DATA, path=broken)
