"""The ``casedesk`` command line: a thin front end over the service layer."""
