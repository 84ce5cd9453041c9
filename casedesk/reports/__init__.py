"""PDF case bundles: typesetting, stamping, assembly, manifest and independent verification."""
