"""Many bodies at once: the national catch-up survey, its SQLite archive, and the master of local bodies.

The modules, each importing only those listed before it:

- :mod:`~gapcheck.survey.bodies`: the master of local bodies (団体コード, names, prefectures,
  population size bands).
- :mod:`~gapcheck.survey.results`: what a survey finds (:class:`~gapcheck.survey.results.SurveyResult`
  and its aggregates) and what every output of it shares (status letters, flags, notes).
- :mod:`~gapcheck.survey.inputs`: the input folder: walking it, each input's key (SHA-256), and
  which body each file belongs to.
- :mod:`~gapcheck.survey.workers`: auditing the inputs in worker processes, and surviving a
  worker that dies.
- :mod:`~gapcheck.survey.archive`: the SQLite archive: stored outcomes, the stat cache of
  hashes, the year-over-year trend.
- :mod:`~gapcheck.survey.national`: :func:`~gapcheck.survey.national.survey`, which ties them
  together.
"""
