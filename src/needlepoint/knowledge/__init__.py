"""Cited reference knowledge (regions, muscles, conditions, sources) as data. No Django."""
