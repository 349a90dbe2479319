"""The planning model in Pyomo (installed as ``optimizer.models``)."""
