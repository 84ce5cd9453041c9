"""The tamper-evident chain of custody: canonical encoding, signed append, verification."""
