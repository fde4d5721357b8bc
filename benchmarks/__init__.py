"""Benchmarks of the matching engine: generated rounds, an independent MILP, the timing table."""
