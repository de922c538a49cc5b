"""Synthetic municipal policies and a synthetic nation, with answer keys, for the demo, tests and benchmarks.

The modules, each importing only those listed before it:

- :mod:`~gapcheck.synth.result`: what the generator returns: the policy's provisions with
  their answers (:class:`~gapcheck.synth.result.SampleRow`), the workbook or 例規 text.
- :mod:`~gapcheck.synth.habits`: the body that copies the 例文: the tiers of editing, its
  typography and layout habits, and its name and typography applied to a text.
- :mod:`~gapcheck.synth.skeleton`: the kept clauses as chapters, sections, articles and
  units (項 and 号).
- :mod:`~gapcheck.synth.reword`: one provision reworded as a body's drafter would.
- :mod:`~gapcheck.synth.transform`: the body's edits to the skeleton: local provisions,
  split and merged clauses, rewording, moved chapters, 枝番 articles.
- :mod:`~gapcheck.synth.render_sheet`: the skeleton laid out as a workbook.
- :mod:`~gapcheck.synth.render_reiki`: the skeleton laid out as 例規 text.
- :mod:`~gapcheck.synth.sample`: :func:`~gapcheck.synth.sample.generate_policy`, which ties
  them together, and :func:`~gapcheck.synth.sample.write_sample`.
- :mod:`~gapcheck.synth.nation`: a synthetic nation of bodies, each with its policy.
"""
