"""``optimize alternatives``: near-optimal plans that differ as much as possible (MGA)."""

from optimizer.alternatives.mga import Alternative, generate_alternatives, hamming
from optimizer.alternatives.write import write_alternatives

__all__ = ["Alternative", "generate_alternatives", "hamming", "write_alternatives"]
