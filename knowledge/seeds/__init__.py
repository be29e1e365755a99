"""The demo city's seed knowledge: government service matters, one-thing bundles and FAQ articles."""
