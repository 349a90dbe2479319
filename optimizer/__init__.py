"""Least-cost carbon-peak planning for building-materials production lines."""

__version__ = "0.1.0"
