"""Measures, readings, checks, involvement and reflection sessions (built on stages)."""
