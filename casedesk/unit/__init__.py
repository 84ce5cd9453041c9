"""The unit service: a stateless HTTPS service over PostgreSQL that installations sync their custody logs with.

It verifies every pushed entry before storing it (chain, signatures, authority replay, consistency with the
checkpoint it cosigned last), never updates or deletes a stored entry, keeps rejected segments as evidence,
and cosigns each installation's new checkpoint (docs/sync-protocol.md). Imports no desktop code.
"""
