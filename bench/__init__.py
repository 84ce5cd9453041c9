"""CaseDesk benchmarks: every figure against a comparison measured in the same run."""
