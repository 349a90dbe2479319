"""Solver adapters behind one small interface (installed as ``optimizer.solvers``)."""
