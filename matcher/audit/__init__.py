"""The audit log for staff: read-only, filterable, paginated."""
