"""interfaces (to be filled)."""
