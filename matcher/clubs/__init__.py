"""Club contacts: their own club's details, activities and placed children."""
