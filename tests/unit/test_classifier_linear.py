"""The numpy fast path gives agents exactly the probabilities the fitted sklearn model gives."""
import numpy as np
import pytest
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from classifier.linear import LinearScorer


def _data(n_classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, size=120)
    dense = rng.random((120, 40)) * (rng.random((120, 40)) < 0.2)
    dense[np.arange(120), labels] += 1.0  # each class has a telling feature
    return sparse.csr_matrix(dense), np.array([f"c{label}" for label in labels])


@pytest.mark.parametrize("n_classes", [2, 5])
@pytest.mark.parametrize("make_model", [
    lambda: LogisticRegression(C=10, solver="newton-cg", max_iter=2000),
    lambda: CalibratedClassifierCV(LinearSVC(random_state=0), method="sigmoid", cv=3, ensemble=False),
], ids=["logistic", "calibrated-svm"])
def test_fast_path_matches_sklearn(make_model, n_classes):
    features, labels = _data(n_classes)
    model = make_model().fit(features, labels)
    expected = model.predict_proba(features[:30])
    assert np.allclose(LinearScorer.of(model).proba(features[:30]), expected, atol=1e-12)
    assert np.allclose(LinearScorer.of(model).proba(features[:1]), expected[:1], atol=1e-12)


def test_unknown_model_is_refused():
    with pytest.raises(TypeError, match="no fast path"):
        LinearScorer.of(LinearSVC().fit(*_data(3)))
