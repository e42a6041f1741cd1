"""delays (to be filled)."""
