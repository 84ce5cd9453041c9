"""Evidence: the encrypted vault, the ingest pipeline, type detection, exhibit references.

Nothing here checks permissions or writes custody entries: that is the
service layer's job (``casedesk.services.evidence``), the one door both front
ends use.
"""
