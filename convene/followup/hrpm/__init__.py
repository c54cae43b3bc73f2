"""High Risk Planning Meetings for a child in care (R000.3, R000.4)."""
