"""Matching rounds in the site: staff start them, staff and coordinators review them."""
