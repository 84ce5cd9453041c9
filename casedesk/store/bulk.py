"""Many rows into one table at once: one prepared statement, one ``executemany``.

SQLAlchemy's own ``executemany`` builds a parameter dictionary per row through
the compiled statement (about as costly as the insert itself for a batch of
small rows). Here each column's bind conversion (``UTCDateTime`` to its text,
for instance) is looked up once per call and applied to the values directly,
so the database receives exactly what ``insert(table)`` would have sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session as OrmSession

from casedesk.store.models import Base


def insert_rows(db: OrmSession, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name, all with the same keys) into ``model``'s table in ``db``'s
    transaction."""
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, Table)
    conn = db.connection()
    dialect = conn.dialect
    names = list(rows[0])
    convert = [table.c[name].type.bind_processor(dialect) for name in names]
    plain = [i for i, fn in enumerate(convert) if fn is None]
    if len(plain) == len(names):
        params = [tuple(row[name] for name in names) for row in rows]
    else:
        params = []
        for row in rows:
            values = [row[name] for name in names]
            for i, fn in enumerate(convert):
                if fn is not None:
                    values[i] = fn(values[i])
            params.append(tuple(values))
    assert dialect.paramstyle == "qmark", dialect.paramstyle
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    conn.exec_driver_sql(sql, params)


def insert_values(db: OrmSession, model: type[Base], names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """``insert_rows`` for rows given as tuples of the values of ``names``, in that order, already in the form the
    database receives: the caller has applied each column's bind conversion (``UTCDateTime`` to its ``iso_utc``
    text, ``Boolean`` to 0 or 1). What a batch of thousands of rows saves is a dictionary and a conversion call per
    value."""
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, Table)
    conn = db.connection()
    dialect = conn.dialect
    missing = [name for name in names if name not in table.c]
    if missing:
        raise ValueError(f"{table.name} has no column {missing[0]}")
    assert dialect.paramstyle == "qmark", dialect.paramstyle
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    conn.exec_driver_sql(sql, rows if isinstance(rows, list) else list(rows))
