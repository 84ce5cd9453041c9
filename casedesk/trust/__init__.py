"""The unit's root of trust: its signing key, fingerprint, certificates and enrolment (docs/unit-trust.md)."""
