"""Hypothesis settings: a reduced run in CI, many more examples under ``make test-full``.

Examples are derived from the test's name (``derandomize``) so a CI run is
repeatable; ``make test-full`` explores fresh random examples each time.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.conftest import FULL

settings.register_profile(
    "casedesk-ci", max_examples=40, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "casedesk-full", max_examples=600, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("casedesk-full" if FULL else "casedesk-ci")
