"""Mentorship: finding mentors, booking, sessions, goals, messages, calendars, staff pages."""

from django.urls import include, path

from mentorship.views import booking, followup, mentor, staff

app_name = "mentorship"
urlpatterns = [
    path("", booking.finder, name="home"),
    path("mentors/<int:pk>/", booking.mentor_detail, name="mentor"),
    path("mentors/<int:pk>/book/", booking.book, name="book"),
    path("bookings/", booking.my_bookings, name="bookings"),
    path("bookings/<int:pk>/", booking.booking_detail, name="booking"),
    path("bookings/<int:pk>/reschedule/", booking.reschedule, name="reschedule"),
    path("bookings/<int:pk>/cancel/", booking.cancel, name="cancel"),
    path("bookings/<int:pk>/propose/", booking.propose, name="propose"),
    path("bookings/<int:pk>/attendance/", booking.attendance, name="attendance"),
    path("bookings/<int:pk>/calendar.ics", booking.booking_ics, name="booking_ics"),
    path("bookings/<int:pk>/notes/", followup.add_note, name="add_note"),
    path("bookings/<int:pk>/action-items/", followup.add_action_item, name="add_action_item"),
    path(
        "proposals/<int:pk>/accept/",
        booking.answer_proposal,
        {"accept": True},
        name="accept_proposal",
    ),
    path(
        "proposals/<int:pk>/decline/",
        booking.answer_proposal,
        {"accept": False},
        name="decline_proposal",
    ),
    path("goals/", followup.goals, name="goals"),
    path("goals/<int:pk>/", followup.goal_detail, name="goal"),
    path("messages/", followup.threads, name="threads"),
    path("messages/<int:pk>/", followup.thread, name="thread"),
    path("messages/with/<int:user_id>/", followup.thread_with, name="thread_with"),
    path("calendar/", followup.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", followup.feed, name="feed"),
    path("agenda/", mentor.agenda, name="agenda"),
    path("availability/", mentor.availability, name="availability"),
    path(
        "availability/overrides/<int:pk>/delete/",
        mentor.delete_override,
        name="delete_override",
    ),
    path("mentees/", mentor.mentees, name="mentees"),
    path("mentees/<int:user_id>/", mentor.mentee_detail, name="mentee"),
    path("staff/", staff.report, name="staff"),
    path("staff/report.csv", staff.report_csv, name="staff_csv"),
    path("staff/assignments/", staff.assignments, name="staff_assignments"),
    path("staff/assignments/<int:pk>/end/", staff.end_assignment, name="end_assignment"),
    path("star-leader/", include("mentorship.starleader.urls")),
]
