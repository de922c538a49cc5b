"""A workbook's cells as text, and how large a sheet may be read as one dense rectangle."""

from __future__ import annotations

from typing import Any

# --- never a dense rectangle to a far cell -----------------------------------------------------
#
# calamine builds a dense grid from A1 to the farthest cell with a value: one
# stray value in XFD1048576 asks for 512 GiB and aborts the process. So the extent of each
# sheet is checked first: a sheet that fits in DENSE_CELLS within MAX_COLUMNS columns and
# max_rows + 1 rows is read as before; any other is read cell by cell, keeping only the cells
# in the first MAX_COLUMNS columns and max_rows rows (a policy has a few thousand rows and
# some 30 columns), so memory follows the cells present. Stray cells beyond are ignored; a
# sheet with more than max_rows rows of content is still refused.

MAX_COLUMNS = 200
DENSE_CELLS = 4_000_000


def dense_ok(height: int, width: int, max_rows: int) -> bool:
    return height <= max_rows + 1 and width <= MAX_COLUMNS and height * width <= DENSE_CELLS


def cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return "" if text in {"nan", "NaN", "None", "<NA>"} else text


def value_text(value: Any) -> str:
    """A calamine value as text: 1.0 → ``1``, a date → ``2024-04-01 00:00:00``."""
    import datetime as dt

    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return cell_text(value)


__all__ = [
    "DENSE_CELLS",
    "MAX_COLUMNS",
    "cell_text",
    "dense_ok",
    "value_text",
]
