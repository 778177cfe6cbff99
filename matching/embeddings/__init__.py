"""Sentence embeddings: the model folder built from a PyPI package, the embedder, texts."""
