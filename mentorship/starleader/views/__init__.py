"""Pages of the Star Leader Program, one module per audience: members, mentors, staff."""
