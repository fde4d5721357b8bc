"""Load benchmark: the demo municipality scaled to 10,000 families, 50 coordinators at once."""
