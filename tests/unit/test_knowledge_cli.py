"""The knowledge CLI contract: evaluate and bench-search print one JSON object as their last line."""
import json

from typer.testing import CliRunner

from knowledge.cli import app

runner = CliRunner()

FAQ = [
    {"q": "護照過期了怎麼換發？", "a": "护照有效期不足六个月或已过期，可到出入境窗口申请换发，带身份证和旧护照。"},
    {"q": "身份证丢了怎么补办", "a": "居民身份证丢失后到户籍派出所申请补领，带户口簿，工本费二十元。"},
    {"q": "公积金怎么提取", "a": "购买自住住房可以提取住房公积金，需要购房合同和身份证原件。"},
    {"q": "新生儿怎么上户口", "a": "新生儿出生一个月内到派出所申报出生登记，带出生医学证明和父母户口簿。"},
]


def _last_json_line(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_evaluate_prints_the_retrieval_metrics_contract(tmp_path):
    data = tmp_path / "faq.jsonl"
    data.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in FAQ), "utf-8")
    # The hashing embedder keeps this contract test fast; search quality is tested with E5 elsewhere.
    result = runner.invoke(app, ["evaluate", "--data", str(data), "--query-field", "q", "--answer-field", "a", "--embedder", "hashing"])
    assert result.exit_code == 0, result.output
    metrics = _last_json_line(result.output)
    assert set(metrics) == {"n", "recall_at_1", "recall_at_5", "mrr", "latency_ms_p50", "latency_ms_p95"}
    assert metrics["n"] == 4
    assert metrics["recall_at_1"] >= 0.75  # the Traditional passport question included
    assert metrics["recall_at_5"] == 1.0


def test_evaluate_against_a_corpus_counts_a_document_containing_the_answer(tmp_path):
    data = tmp_path / "qa.jsonl"
    data.write_text(json.dumps({"q": "補領身份證的工本費是多少", "a": "工本费二十元"}, ensure_ascii=False), "utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps({"body": row["a"]}, ensure_ascii=False) for row in FAQ), "utf-8")
    result = runner.invoke(app, [
        "evaluate", "--data", str(data), "--query-field", "q", "--answer-field", "a",
        "--corpus", str(corpus), "--corpus-field", "body", "--mode", "bm25",
    ])
    assert result.exit_code == 0, result.output
    assert _last_json_line(result.output)["recall_at_1"] == 1.0


def test_evaluate_names_a_missing_field(tmp_path):
    data = tmp_path / "faq.jsonl"
    data.write_text(json.dumps(FAQ[0], ensure_ascii=False), "utf-8")
    result = runner.invoke(app, ["evaluate", "--data", str(data), "--query-field", "question", "--answer-field", "a", "--mode", "bm25"])
    assert result.exit_code != 0
    assert "question" in result.output


def test_bench_search_prints_its_json_contract():
    result = runner.invoke(app, ["bench-search", "--docs", "300", "--queries", "5", "--mode", "bm25"])
    assert result.exit_code == 0, result.output
    bench = _last_json_line(result.output)
    assert set(bench) == {"docs", "p50_ms", "p95_ms", "index_build_s"}
    assert bench["docs"] == 300
