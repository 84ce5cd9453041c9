"""The PySide6 desktop application: the only package that imports Qt.

Every action calls the service layer (``casedesk.services``); long work runs
on ``workers.JobRunner`` and reports back through signals.
"""
