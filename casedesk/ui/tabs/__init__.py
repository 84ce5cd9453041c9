"""The case workspace's tabs: overview, exhibits, custody, notes, review."""
