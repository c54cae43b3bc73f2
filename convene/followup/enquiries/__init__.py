"""S47 enquiries: one per child, the visit, the outcome and what it leads to (R000.2, R003.8,
R003.9)."""
