"""A municipality's own policy (spreadsheet, Word, PDF or 例規 text) → policy rows with their provenance.

The modules, in the order a file goes through them:

* :mod:`~gapcheck.readers.formats` — :func:`~gapcheck.readers.formats.read_policy`, the one
  entry point: the limits a user can raise, then the format's reader;
* :mod:`~gapcheck.readers.kinds` — the policy formats, one class each, registered once in
  ``POLICY_FORMATS`` (:mod:`~gapcheck.readers.registry`): extensions, Japanese names,
  detection, refusals and readers; everything that lists the accepted formats asks it;
* :mod:`~gapcheck.readers.sniff` — what holds the file's bytes (zip, OLE, PDF, text), the
  zip-bomb and encryption checks, and the text encoding;
* :mod:`~gapcheck.readers.workbooks` — Excel workbooks through python-calamine: which sheets,
  read whole or cell by cell;
* :mod:`~gapcheck.readers.cells` — cell values as text, and how large a sheet may be read whole;
* :mod:`~gapcheck.readers.xlsx` — an .xlsx/.xlsm worksheet read from its XML cell by cell;
* :mod:`~gapcheck.readers.xls` — an .xls too large to open safely, found from its BIFF records;
* :mod:`~gapcheck.readers.sheets` — a grid of text cells (a sheet, or CSV/TSV) → policy rows:
  header row, hierarchy, chapter context;
* :mod:`~gapcheck.readers.texts` — 例規 text from plain text, HTML or Word, as lines;
* :mod:`~gapcheck.readers.reiki` — the structure of 例規 text: provisions, references, dates;
* :mod:`~gapcheck.readers.policy` — the model: :class:`~gapcheck.readers.policy.Policy` and its
  :class:`~gapcheck.readers.policy.PolicyRow`.
"""
