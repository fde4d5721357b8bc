"""Municipal staff: matching rounds and the figures."""
