"""Synthetic municipal policies and a synthetic nation, with answer keys, for the demo, tests and benchmarks."""
