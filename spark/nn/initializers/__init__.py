"""initializers (to be filled)."""
