"""Shipped instances (installed as ``optimizer.instances``) and the shared catalogue."""
