"""synapses (to be filled)."""
