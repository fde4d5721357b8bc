"""Privacy tools for coordinators and staff: a family's data export, consent withdrawal, erasure."""
