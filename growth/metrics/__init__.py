"""Learning next to shop results 学习成效: monthly shop metrics, their import and charts.

In ``academy`` because shop metrics belong to the shop behind the shopkeeper
profile (keyed by its shop ID), not to courses or mentorship; both of those
are only read here to put learning milestones and cohorts beside the numbers.
"""
