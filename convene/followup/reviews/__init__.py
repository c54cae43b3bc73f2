"""Review strategy discussions for new information (R004.5), and reconvening after a Single
Assessment (R002.13)."""
