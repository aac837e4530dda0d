"""Pages of mentorship, one module per audience: mentees, mentors, follow-up, staff."""
