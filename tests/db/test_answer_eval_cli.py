"""`hotline knowledge answer-eval`: the chat's own answer path over the database's knowledge, judged, one JSON line."""
import json

from typer.testing import CliRunner

from hotline.kb.cli import app

QUESTIONS = [
    {"question": "身份证丢了要带什么材料", "expect_kind": "matter", "expect_codes": ["gaj-sfz-bl"]},
    {"question": "结婚登记需要带什么", "expect_kind": "matter", "expect_codes": ["mzj-hy-jh"]},
    {"question": "火星移民签证怎么办理", "expect_kind": "unknown", "expect_codes": []},
]


def test_answer_eval_prints_the_issues_figures(fresh_db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("HOTLINE_DATABASE_URL", fresh_db_url)
    data = tmp_path / "questions.jsonl"
    data.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS), encoding="utf-8")
    result = CliRunner().invoke(app, ["answer-eval", "--data", str(data), "--embedder", "hashing"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["n"] == 3 and summary["answerable"] == 2 and summary["embedder"] == "hashing-512"
    assert summary["right"] == 1.0 and summary["unknown_when_unanswerable"] == 1.0 and summary["wrong_matter"] == 0
    assert summary["kinds"] == {"matter": 2, "clarify": 0, "article": 0, "unknown": 1}

    data.write_text('{"question": "身份证丢了", "expect_kind": "maybe"}\n', encoding="utf-8")
    refused = CliRunner().invoke(app, ["answer-eval", "--data", str(data)])
    assert refused.exit_code != 0 and "expect_kind" in refused.output
