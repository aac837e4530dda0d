"""Demo data of mentorship (availability, bookings, cohorts) — filled in by its issues."""


def seed(stdout, options):
    pass
