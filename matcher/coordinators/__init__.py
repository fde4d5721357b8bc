"""Volunteer coordinators: refugee families, their children, and contact families."""
