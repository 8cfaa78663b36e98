"""Build benchmarks on synthetic catalogues: `make bench` (see bench/run.py)."""
