"""Staff and coordinators manage the municipality's clubs and invite club contacts."""
