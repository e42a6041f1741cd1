"""neurons (to be filled)."""
