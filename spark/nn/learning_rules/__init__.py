"""learning_rules (to be filled)."""
