"""The dashboard for staff and coordinators: key figures, SVG charts and a CSV export."""
