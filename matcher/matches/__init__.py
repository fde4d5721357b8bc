"""Follow-up of accepted matches for coordinators: started, ended and why."""
