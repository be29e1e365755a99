"""The department model and its train / evaluate / cross-validate commands on a small file."""
import csv
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from routing.cli import app
from routing.model import DepartmentModel, simplify

ROWS = [
    ("公園裡的路燈壞了", "路灯坏了要修，晚上很黑", "zhzfj"),
    ("路邊攤販佔道經營", "占道经营由执法局处理", "zhzfj"),
    ("人行道上亂擺攤", "摊贩占道请找执法局", "zhzfj"),
    ("晚上有人佔道燒烤", "夜间烧烤占道由执法局查处", "zhzfj"),
    ("公積金怎麼提取", "提取公积金需身份证和银行卡", "gjj"),
    ("公積金貸款額度", "贷款额度按缴存余额计算", "gjj"),
    ("辭職後公積金能取嗎", "离职可办理公积金提取", "gjj"),
    ("公積金繳存基數調整", "缴存基数每年调整一次", "gjj"),
    ("孩子上小學要報名", "入学报名请带户口本", "jyj"),
    ("幼兒園收費太貴", "幼儿园收费标准由教育局公布", "jyj"),
    ("學校放假時間", "学校放假安排见教育局通知", "jyj"),
    ("轉學需要什麼手續", "转学需原学校开具证明", "jyj"),
]


@pytest.fixture
def jsonl_file(tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps({"question": q, "answer": a, "unit": u}, ensure_ascii=False)
                              for q, a, u in ROWS), encoding="utf-8")
    return path


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_traditional_and_full_width_input_is_read_as_simplified():
    assert simplify("臺北市公積金ＡＢＣ１２３") == "台北市公积金ABC123"


def test_the_model_ranks_departments_for_a_question_in_either_script():
    model = DepartmentModel().fit([q for q, _, _ in ROWS], [u for _, _, u in ROWS])
    assert model.predict(["公积金提取要什么材料"])[0] == "gjj"
    assert model.rank("小學報名", k=2)[0][0] == "jyj"
    probabilities = model.predict_proba(["占道经营"])[0]
    assert probabilities.sum() == pytest.approx(1.0)


def test_context_is_used_for_training_only():
    texts, units = [q for q, _, _ in ROWS], [u for _, _, u in ROWS]
    model = DepartmentModel().fit(texts, units, context=[[a] for _, a, _ in ROWS])
    assert model.predict(["离职了怎么办理提取"])[0] == "gjj"  # words seen only in the answers
    with pytest.raises(ValueError, match="context"):
        DepartmentModel().fit(texts, units, context=[["x"]])


def test_a_single_department_cannot_be_learned():
    with pytest.raises(ValueError, match="two different departments"):
        DepartmentModel().fit(["a", "b"], ["gjj", "gjj"])


def test_train_then_evaluate_prints_the_metrics_contract(jsonl_file, tmp_path):
    runner = CliRunner()
    out = tmp_path / "model"
    trained = runner.invoke(app, ["train", "--data", str(jsonl_file), "--text-field", "question",
                                  "--label-field", "unit", "--out", str(out), "--context-field", "answer",
                                  "--folds", "2"])
    assert trained.exit_code == 0, trained.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["labels"] == ["gjj", "jyj", "zhzfj"]
    assert len(manifest["data_sha256"]) == 64 and manifest["libraries"]["sklearn"]
    assert set(manifest["metrics"]) >= {"accuracy", "top3_accuracy", "macro_f1"}
    # the saved model's p is on the scale cross-validation found honest
    assert manifest["params"]["temperature"] == manifest["metrics"]["temperature"]

    evaluated = runner.invoke(app, ["evaluate", "--model", str(out), "--data", str(jsonl_file),
                                    "--text-field", "question", "--label-field", "unit"])
    assert evaluated.exit_code == 0, evaluated.output
    result = last_json(evaluated.output)
    assert set(result) == {"n", "accuracy", "top3_accuracy", "macro_f1"}
    assert result["n"] == len(ROWS) and result["accuracy"] >= 0.9 and result["top3_accuracy"] == 1.0


def test_cross_validate_reads_csv_too(tmp_path):
    path = tmp_path / "history.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "answer", "unit"])
        writer.writerows(ROWS)
    result = CliRunner().invoke(app, ["cross-validate", "--data", str(path), "--text-field", "question",
                                      "--label-field", "unit", "--folds", "2"])
    assert result.exit_code == 0, result.output
    metrics = last_json(result.output)
    assert metrics["n"] == len(ROWS) and 0 <= metrics["accuracy"] <= metrics["top3_accuracy"] <= 1


def test_a_missing_field_is_reported_by_name(jsonl_file, tmp_path):
    result = CliRunner().invoke(app, ["cross-validate", "--data", str(jsonl_file), "--text-field", "title",
                                      "--label-field", "unit"])
    assert result.exit_code != 0
    assert "title" in str(result.exception)


def test_history_is_labelled_by_the_department_that_kept_the_ticket():
    from routing.datasets import RETURNED_WEIGHT, history_examples

    rows = [{"text": "路灯坏了", "kept_by": "zhzfj", "returned_by": ["zjj"]},
            {"text": "物业费太贵", "kept_by": "zjj", "returned_by": []},
            {"text": "不知道找谁", "kept_by": None, "returned_by": ["zjj", "gov-330302"]}]
    texts, labels, weights = history_examples(rows)
    assert (texts, labels) == (["路灯坏了", "物业费太贵"], ["zhzfj", "zjj"])
    assert weights == [RETURNED_WEIGHT, 1.0]


def test_sample_weight_needs_one_weight_per_text():
    with pytest.raises(ValueError, match="sample_weight"):
        DepartmentModel().fit([q for q, _, _ in ROWS], [u for _, _, u in ROWS], sample_weight=[1.0])


def test_the_fitted_temperature_makes_p_as_sure_as_the_model_is_right():
    from routing.evaluation import fit_temperature

    rng = np.random.default_rng(0)
    classes = np.array(["gjj", "jyj", "zhzfj", "zjj"])
    logits = rng.normal(scale=2.0, size=(4000, 4))  # the true odds of each department for each row
    p_true = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = classes[[rng.choice(4, p=p) for p in p_true]]
    margins = logits / 8.0  # a model ranking right but 8 times too timid in scale
    temperature = fit_temperature(labels, classes, margins)
    assert temperature == pytest.approx(1 / 8.0, rel=0.15)
    scaled = np.exp(margins / temperature)
    top_p = (scaled / scaled.sum(axis=1, keepdims=True)).max(axis=1)
    right = classes[margins.argmax(axis=1)] == labels
    assert abs(top_p.mean() - right.mean()) < 0.03  # as sure on average as it is right


def test_several_text_fields_are_read_as_one_text(tmp_path):
    # every question is the same vague one: only the second field says whose matter it is
    path = tmp_path / "titled.jsonl"
    path.write_text("\n".join(json.dumps({"title": "请问这个问题找谁", "content": a, "unit": u}, ensure_ascii=False)
                              for _, a, u in ROWS), encoding="utf-8")
    runner = CliRunner()
    scores = {}
    for fields in ("title", "title,content"):
        out = tmp_path / fields.replace(",", "-")
        trained = runner.invoke(app, ["train", "--data", str(path), "--text-field", fields, "--label-field", "unit",
                                      "--out", str(out), "--skip-cv", "--embedder", "none"])
        assert trained.exit_code == 0, trained.output
        evaluated = runner.invoke(app, ["evaluate", "--model", str(out), "--data", str(path),
                                        "--text-field", fields, "--label-field", "unit"])
        assert evaluated.exit_code == 0, evaluated.output
        scores[fields] = last_json(evaluated.output)["accuracy"]
    assert scores["title"] <= 0.5 and scores["title,content"] >= 0.9
