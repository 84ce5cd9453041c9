"""Keys, key slots, the OS keyring, accounts and roles."""
