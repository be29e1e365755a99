"""The product's classifier built from the project's labels and ../shared/data (a quick, smaller version of
`hotline classifier build`), judged through the evaluate contract the checks call."""
import json

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.labels import read_label_rows
from classifier.pipeline import TicketClassifier
from classifier.training import build, read_tree
from tests.conftest import SHARED_DATA, needs_shared_data

runner = CliRunner()
pytestmark = needs_shared_data("tipdm_topic_train_tokenized.jsonl", "tipdm_taxonomy.jsonl",
                               "tipdm_messages_with_votes.jsonl", "tipdm_messages_unlabeled.jsonl",
                               "tipdm_messages_with_replies.jsonl")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("build")
    labels = folder / "labels.jsonl"
    labels.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in read_label_rows()[:600]), "utf-8")
    model = build(folder / "model", shared_data_dir=SHARED_DATA, splits=("train",), label_file=labels,
                  corpus_limit=1500)
    return folder, TicketClassifier.load(model)


def test_a_message_gets_type_urgency_and_a_three_level_category(built):
    _, model = built
    result = model.predict("楼下烧烤店每天营业到凌晨两点，油烟和噪音让我们整栋楼都没法休息，请相关部门管一管")
    category = result["category"]
    assert category["label"].count("/") == 2 and category["label"] in read_tree(SHARED_DATA)
    assert [node for node, _ in category["levels"]][-1] == category["label"]
    assert result["type"]["label"] in {"complaint", "report", "consult", "suggestion", "help", "praise"}
    assert result["urgency"]["label"] in {"emergency", "urgent", "normal"}
    manifest = model.manifest
    assert manifest["splits"] == ["train"] and manifest["agreement"]["type"]["kappa"] > 0.8
    assert "report" in manifest["heads"]["type"]["class_offsets"]  # the 举报 recall floor was applied
    assert "FAQ questions as consult" in manifest["heads"]["type"]["training_data"]


def test_evaluate_judges_the_category_at_the_level_asked(built, tmp_path):
    folder, _ = built
    exported = tmp_path / "test.jsonl"
    result = runner.invoke(app, ["export-labelled", "--out", str(exported), "--shared-data", str(SHARED_DATA)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in exported.read_text("utf-8").splitlines()][:60]
    small = tmp_path / "small.jsonl"
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    keys = {"n", "accuracy", "macro_f1", "top3_accuracy", "per_class", "latency_ms_p50", "latency_ms_p95"}
    for args, names in ((["--label-field", "level2", "--level", "2"], {r["level2"] for r in rows}),
                        (["--label-field", "category", "--level", "1"], {r["level1"] for r in rows}),
                        (["--label-field", "level1"], {r["level1"] for r in rows})):
        result = runner.invoke(app, ["evaluate", "--model", str(folder / "model"), "--data", str(small),
                                     "--text-field", "title,body", "--head", "category", *args])
        assert result.exit_code == 0, result.output
        scores = json.loads(result.output.strip().splitlines()[-1])
        assert keys <= scores.keys() and scores["n"] == 60
        assert names <= set(scores["per_class"])  # judged by that level's names
    wrong = runner.invoke(app, ["evaluate", "--model", str(folder / "model"), "--data", str(small),
                                "--text-field", "title,body", "--head", "type", "--label-field", "type",
                                "--level", "2"])
    assert wrong.exit_code != 0 and "--level" in wrong.output
