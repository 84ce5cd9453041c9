"""The SQLCipher connection settings every store connection gets (store/engine.py)."""

from __future__ import annotations

from casedesk.store.engine import CACHE_KIB
from tests.helpers.store import Store


def test_connections_keep_a_register_of_pages_decrypted_and_do_not_wipe_memory(store: Store) -> None:
    """Issue 13: a connection keeps 32 MiB of decrypted pages (a 20,000-exhibit register is 17 MiB), so reading
    them again decrypts nothing; SQLCipher's memory wiping stays off (it made the register's read 70% slower, and
    the key lives in this process anyway)."""
    session = store.sign_in("jsmith")
    try:
        with session.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            assert raw.execute("PRAGMA cache_size").fetchone() == (-CACHE_KIB,)
            assert CACHE_KIB >= 32 * 1024
            assert raw.execute("PRAGMA cipher_memory_security").fetchone() == ("0",)
            assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        session.close()
