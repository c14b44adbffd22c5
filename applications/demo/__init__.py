"""The demo: the demo data `seed_demo` loads, the volume data `generate_data` creates, and the benchmarks.

It sits in the top app because it needs every app; no domain module imports it.
"""
