"""Coordinators manage the volunteer contact families: review, approve, pause, end, certify."""
