"""Character n-gram TF-IDF: the alignment's text similarity (docs/domain.md §7).

The same weighting scikit-learn's ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3),
sublinear_tf=True)`` computes — raw counts of character 2- and 3-grams, ``1 + ln(tf)``,
smoothed ``idf = ln((1 + n) / (1 + df)) + 1``, rows scaled to unit length, n-grams found in
more than ``max_df`` of the fitted texts dropped — in a few lines of our own: importing
scikit-learn (and the SciPy statistics it pulls in) took 1.4 s of every command and every
survey worker for this one class (issue #21). Texts are already normalised (no spaces,
casefolded).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["CharTfidf"]


def _grams(text: str, sizes: tuple[int, ...]) -> Counter[str]:
    # the n-grams built in C (zip and join), not by slicing in Python: a survey takes millions
    out: Counter[str] = Counter()
    for n in sizes:
        out.update(map("".join, zip(*(text[k:] for k in range(n)), strict=False)))
    return out


class CharTfidf:
    """Fit on target texts once; turn any texts into unit-length TF-IDF rows.

    >>> model = CharTfidf(["情報資産を守る", "サーバを守る"])
    >>> similarity = (model.transform(["情報資産"]) @ model.matrix.T).toarray()
    >>> [round(float(x), 3) for x in similarity[0]]
    [0.725, 0.0]
    """

    def __init__(
        self, texts: Sequence[str], sizes: tuple[int, ...] = (2, 3), max_df: float = 1.0
    ) -> None:
        self.sizes = sizes
        counts = [_grams(t, sizes) for t in texts]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        limit = max_df * len(texts)
        kept = sorted(g for g, n in df.items() if n <= limit)
        self.vocabulary = {g: k for k, g in enumerate(kept)}
        n = len(texts)
        self.idf = np.array([np.log((1 + n) / (1 + df[g])) + 1.0 for g in kept], dtype=np.float64)
        self.matrix = self._rows(counts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unit-length TF-IDF rows of ``texts`` (n-grams never fitted are ignored)."""
        return self._rows([_grams(t, self.sizes) for t in texts])

    def _rows(self, counts: Sequence[Counter[str]]) -> sparse.csr_matrix:
        get = self.vocabulary.get
        indptr = [0]
        indices: list[int] = []
        tfs: list[int] = []
        for c in counts:
            for g, tf in c.items():
                k = get(g)
                if k is not None:
                    indices.append(k)
                    tfs.append(tf)
            indptr.append(len(indices))
        idx = np.asarray(indices, dtype=np.int32)
        values = (1.0 + np.log(np.asarray(tfs, dtype=np.float64))) * self.idf[idx]
        bounds = np.asarray(indptr, dtype=np.int64)
        lengths = np.diff(bounds)
        squares = np.zeros(len(counts), dtype=np.float64)
        nonempty = lengths > 0
        if values.size:
            squares[nonempty] = np.add.reduceat(values * values, bounds[:-1][nonempty])
        norms = np.sqrt(squares)
        norms[norms == 0] = 1.0
        values /= np.repeat(norms, lengths)
        return sparse.csr_matrix(
            (values.astype(np.float32), idx, bounds.astype(np.int32)),
            shape=(len(counts), len(self.vocabulary)),
        )
