"""Shared parts of the core's benchmarks (bench/core_*.py): servers, baselines, load."""
