"""Mentorship: availability, bookings, notes, goals and the Star Leader Program."""
