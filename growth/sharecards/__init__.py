"""Share cards 学习卡片 for WeChat and the referrals they bring.

In ``academy`` because a card is about the person (her name, her referral
code, her sign-ups), while the achievements come from several apps: courses
(completion, certificates, streaks) today, the Star Leader Program later. Each
kind of achievement is registered in :mod:`growth.sharecards.kinds`.
"""
