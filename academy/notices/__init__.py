"""Notices on every channel she reads: in-site, WeChat, SMS and e-mail.

``kinds`` says which channels each kind of notice may use; ``models`` keeps her
choices, the state of her channels and one row per send; ``delivery`` writes those
rows with the notice and relays them (quiet hours, the daily SMS limit, fallback).
"""
