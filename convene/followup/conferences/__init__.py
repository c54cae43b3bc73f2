"""Initial child protection conferences (R001.14, R002.12)."""
