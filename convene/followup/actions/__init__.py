"""Agreed actions carried to done: their updates, "My actions" and the actions list."""
