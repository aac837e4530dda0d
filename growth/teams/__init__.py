"""A team leader's training view 团队学习看板: the team tree, training plans and nudges.

It lives in ``academy`` rather than in an app of its own because a team is
nothing but the ``team_leader`` link of the academy's shopkeeper profile, and
the view reads learning from ``courses`` the way the dashboard does; a separate
app would only add a cross-app dependency in both directions.
"""
