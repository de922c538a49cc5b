"""gapcheck: keep a local government's security policy in step with the national guideline.

The public API; the ``gapcheck`` command is a thin layer over it.
"""

__version__ = "0.1.0"

from gapcheck.catalog import load_catalog
from gapcheck.errors import (
    CatalogError,
    GapcheckError,
    GuidelineParseError,
    PolicyFormatError,
    UnknownVersionError,
)
from gapcheck.model import (
    Catalog,
    Change,
    ChangeKind,
    Clause,
    Edition,
    Level,
    Part,
    Removal,
    Term,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "Change",
    "ChangeKind",
    "Clause",
    "Edition",
    "GapcheckError",
    "GuidelineParseError",
    "Level",
    "Part",
    "PolicyFormatError",
    "Removal",
    "Term",
    "UnknownVersionError",
    "__version__",
    "load_catalog",
]
