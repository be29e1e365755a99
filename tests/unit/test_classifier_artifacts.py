"""An artifact built with other library versions is refused with a message naming the library."""
import json

import pytest
import sklearn

from classifier.artifacts import ArtifactMismatch, load_artifact, save_artifact
from classifier.estimators import MessageClassifier
from classifier.pipeline import TicketClassifier


@pytest.fixture()
def artifact(tmp_path):
    texts = ["小区停水了", "路灯坏了", "孩子入学咨询", "学校招生政策"]
    model = MessageClassifier(linear_model="logistic").fit(texts, ["城乡建设", "城乡建设", "教育文体", "教育文体"])
    return save_artifact(tmp_path / "model", {"category": model}, {"model_version": "test-1"})


def test_round_trip(artifact):
    heads, manifest = load_artifact(artifact)
    assert manifest["model_version"] == "test-1"
    assert heads["category"].predict(["学校招生"])[0] == "教育文体"


def test_mismatched_sklearn_is_refused_naming_both_versions(artifact):
    manifest_path = artifact / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["libraries"]["sklearn"] = "0.24.2"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ArtifactMismatch) as refused:
        TicketClassifier.load(artifact)
    message = str(refused.value)
    assert "sklearn" in message and "0.24.2" in message and sklearn.__version__ in message


def test_a_folder_without_manifest_is_not_an_artifact(tmp_path):
    with pytest.raises(FileNotFoundError, match="manifest.json"):
        load_artifact(tmp_path)
