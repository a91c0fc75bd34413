"""Throughput and memory benchmarks (``./dev bench``); never run as tests."""
