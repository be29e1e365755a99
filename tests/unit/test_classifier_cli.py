"""The train / evaluate / cross-validate contract, driven the way other tools call it."""
import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.pipeline import TicketClassifier

DATA = Path(__file__).resolve().parents[2] / "classifier" / "data"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
CONTRACT_KEYS = {"n", "accuracy", "macro_f1", "top3_accuracy", "per_class", "latency_ms_p50", "latency_ms_p95"}
runner = CliRunner()


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _builtin_rows() -> list[dict]:
    rows = [json.loads(line) for line in (DATA / "category_examples.jsonl").read_text("utf-8").splitlines()]
    # two fields, as a title and a body would arrive
    return [{"title": r["text"][:8], "body": r["text"][8:], "category": r["category"]} for r in rows]


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    """(training file, artifact folder) after `train` on the built-in examples, title and body as two fields."""
    folder = tmp_path_factory.mktemp("cli")
    data = _write_jsonl(folder / "cat.jsonl", _builtin_rows())
    result = runner.invoke(app, ["train", "--data", str(data), "--text-field", "title,body",
                                 "--label-field", "category", "--out", str(folder / "model")])
    assert result.exit_code == 0, result.output
    return data, folder / "model"


def test_train_then_evaluate_prints_the_contract_json(trained):
    data, model = trained
    assert (model / "manifest.json").is_file()
    result = runner.invoke(app, ["evaluate", "--model", str(model), "--data", str(data),
                                 "--text-field", "title,body", "--label-field", "category"])
    assert result.exit_code == 0, result.output
    scores = _last_json(result.output)
    assert CONTRACT_KEYS <= scores.keys()
    assert scores["n"] == len(_builtin_rows())
    assert scores["accuracy"] > 0.8  # its own training rows: a sanity check, not a quality claim
    assert set(scores["per_class"]["城乡建设"]) == {"precision", "recall", "f1", "support"}


def test_evaluate_reads_csv_and_the_model_serves_all_three_heads(trained, tmp_path):
    _, model = trained
    csv_file = tmp_path / "cat.csv"
    with csv_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["title", "body", "category"])
        writer.writeheader()
        writer.writerows(_builtin_rows()[:40])
    result = runner.invoke(app, ["evaluate", "--model", str(model), "--data", str(csv_file),
                                 "--text-field", "title,body", "--label-field", "category"])
    assert result.exit_code == 0, result.output
    assert _last_json(result.output)["n"] == 40

    suggestion = TicketClassifier.load(model).predict("小区门口垃圾堆了一个星期没人清运，臭气熏天")
    assert {"type", "category", "urgency", "model_version"} <= suggestion.keys()


def test_bench_classify_prints_latency_and_throughput(trained):
    _, model = trained
    result = runner.invoke(app, ["bench-classify", "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert {"single_p50_ms", "single_p95_ms", "batch_per_s"} == _last_json(result.output).keys()


def test_a_missing_field_is_named(tmp_path):
    data = _write_jsonl(tmp_path / "cat.jsonl", _builtin_rows())
    result = runner.invoke(app, ["train", "--data", str(data), "--text-field", "subject",
                                 "--label-field", "category", "--out", str(tmp_path / "m")])
    assert result.exit_code != 0
    assert "subject" in str(result.exception)


def test_tipdm_slice_trains_on_tokens_and_scores_raw_text(tmp_path):
    tipdm = SHARED / "tipdm_topic_train_tokenized.jsonl"
    if not tipdm.is_file():
        pytest.skip("needs ../shared/data/tipdm_topic_train_tokenized.jsonl")
    rows = [json.loads(line) for line in tipdm.read_text("utf-8").splitlines()]
    train_rows, test_rows = rows[::20], rows[5::80]
    train_file = _write_jsonl(tmp_path / "train.jsonl", train_rows)
    raw_file = _write_jsonl(tmp_path / "raw.jsonl", [
        {"text": "".join(r["text_tokens"].split()), "label": r["label"]} for r in test_rows])
    model = tmp_path / "model"
    trained = runner.invoke(app, ["train", "--data", str(train_file), "--text-field", "text_tokens",
                                  "--label-field", "label", "--out", str(model)])
    assert trained.exit_code == 0, trained.output
    result = runner.invoke(app, ["evaluate", "--model", str(model), "--data", str(raw_file),
                                 "--text-field", "text", "--label-field", "label"])
    scores = _last_json(result.output)
    assert scores["n"] == len(test_rows)
    assert scores["macro_f1"] > 0.7  # 387 training rows only; the full file is measured by cross-validate
    assert scores["top3_accuracy"] > 0.9


def test_cross_validate_prints_the_contract_json(tmp_path):
    data = _write_jsonl(tmp_path / "cat.jsonl", _builtin_rows())
    result = runner.invoke(app, ["cross-validate", "--data", str(data), "--text-field", "title,body",
                                 "--label-field", "category", "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert CONTRACT_KEYS <= _last_json(result.output).keys()
