"""Domain operations in plain Python: the web views and the CLI both call these."""
