"""The service layer: the one door both front ends use.

A signed-in ``Session`` checks permissions, runs each state change in one
transaction together with its custody entry, and keeps the custody head
outside the database up to date.
"""
