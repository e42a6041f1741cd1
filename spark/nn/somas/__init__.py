"""somas (to be filled)."""
