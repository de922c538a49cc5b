"""Character n-gram TF-IDF: the alignment's text similarity (docs/domain.md §7).

The same weighting scikit-learn's ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3),
sublinear_tf=True)`` computes — raw counts of character 2- and 3-grams, ``1 + ln(tf)``,
smoothed ``idf = ln((1 + n) / (1 + df)) + 1``, rows scaled to unit length, n-grams found in
more than ``max_df`` of the fitted texts dropped — in a few lines of our own: importing
scikit-learn (and the SciPy statistics it pulls in) took 1.4 s of every command and every
survey worker for this one class (issue #21). Texts are already normalised (no spaces,
casefolded).

An n-gram is one integer built from its characters' code points, so a whole batch of texts
is cut into n-grams, looked up and counted by NumPy at once (a survey turns some 100,000
provisions into vectors; counting n-gram strings in Python was a tenth of its time).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["CharTfidf"]

_BASE = 0x110000  # one more than the largest code point
_SEPARATOR = 0  # joins the texts of a batch; no n-gram across it is kept


def _gram_ids(texts: Sequence[str], sizes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(text index, n-gram id) of every character n-gram of ``texts``, n in ``sizes`` (at
    most 3: a 3-gram id stays below 2**63). Ids of different lengths never coincide."""
    empty = np.zeros(0, dtype=np.int64)
    if not texts:
        return empty, empty
    joined = "\0".join(t.replace("\0", "") for t in texts) + "\0"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    row = np.cumsum(codes == _SEPARATOR) - (codes == _SEPARATOR)  # text index per character
    rows: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    for n in sizes:
        if len(codes) < n:
            continue
        gram = np.ones(len(codes) - n + 1, dtype=np.int64)  # the leading 1 separates lengths
        valid = np.ones(len(gram), dtype=bool)
        for k in range(n):
            part = codes[k : len(codes) - n + 1 + k]
            gram = gram * _BASE + part
            valid &= part != _SEPARATOR
        rows.append(row[: len(gram)][valid])
        ids.append(gram[valid])
    if not ids:
        return empty, empty
    return np.concatenate(rows), np.concatenate(ids)


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
        if max(sizes, default=0) > 3:
            raise ValueError("n-grams of at most 3 characters")
        self.sizes = sizes
        rows, ids = _gram_ids(texts, sizes)
        # document frequency: each (text, n-gram) once
        pairs = np.unique(np.stack([rows, ids]), axis=1) if len(ids) else np.zeros((2, 0), int)
        grams, df = np.unique(pairs[1], return_counts=True)
        kept = df <= max_df * len(texts)
        self.grams = grams[kept]  # sorted n-gram ids: the columns
        n = len(texts)
        self.idf = np.log((1 + n) / (1 + df[kept])) + 1.0
        self.matrix = self._rows(rows, ids, n)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unit-length TF-IDF rows of ``texts`` (n-grams never fitted are ignored)."""
        rows, ids = _gram_ids(texts, self.sizes)
        return self._rows(rows, ids, len(texts))

    def _rows(self, rows: np.ndarray, ids: np.ndarray, count: int) -> sparse.csr_matrix:
        width = len(self.grams)
        col = np.searchsorted(self.grams, ids)
        known = col < width
        known[known] = self.grams[col[known]] == ids[known]
        cells, tf = np.unique(rows[known] * max(width, 1) + col[known], return_counts=True)
        r, c = np.divmod(cells, max(width, 1))
        values = (1.0 + np.log(tf)) * self.idf[c]
        norms = np.sqrt(np.bincount(r, weights=values * values, minlength=count))
        norms[norms == 0] = 1.0
        values /= norms[r]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=count))])
        return sparse.csr_matrix(
            (values.astype(np.float32), c.astype(np.int32), indptr.astype(np.int32)),
            shape=(count, width),
        )
