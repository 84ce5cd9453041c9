"""A trigram index of exhibit references, file names and descriptions, for search across cases.

``casedesk search`` finds text anywhere inside a reference, a file name or a
description (``LIKE '%text%'``). Migration 0005's covering indexes made that a
scan of two narrow indexes; at 200,000 exhibits the scan still read and
decrypted about 30 MiB of index pages per search. An FTS5 table with the
trigram tokenizer finds every row holding the three-character pieces of a
text (case folded) by look-up instead: a search of 200,000 exhibits reads a
few pages. ``services/search.py`` uses it for a text with three characters in a
row that are not LIKE wildcards, and checks every row it returns with the same
``LIKE`` as before, so the index can only narrow the rows looked at, never
change what is found (nor which cases: the case filter is applied to the
exhibits as before).

The FTS table holds no copy of the text (``content='exhibits'``): its rows are
the exhibits' ids; ``detail='column'`` keeps it to about 15% of the store (no
positions: the ``LIKE`` check does what a phrase query would). Triggers keep
it in step with every insert, delete and change of the three columns,
whichever code (or replay) writes them.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = "reference, original_name, description"


def upgrade() -> None:
    op.execute(f"CREATE VIRTUAL TABLE exhibit_text USING fts5({COLUMNS}, content='exhibits', content_rowid='id', "
               "tokenize='trigram', detail='column')")
    op.execute("INSERT INTO exhibit_text(exhibit_text) VALUES ('rebuild')")  # the exhibits already there
    op.execute(f"CREATE TRIGGER exhibit_text_insert AFTER INSERT ON exhibits BEGIN "
               f"INSERT INTO exhibit_text(rowid, {COLUMNS}) "
               f"VALUES (new.id, new.reference, new.original_name, new.description); END")
    op.execute(f"CREATE TRIGGER exhibit_text_delete AFTER DELETE ON exhibits BEGIN "
               f"INSERT INTO exhibit_text(exhibit_text, rowid, {COLUMNS}) "
               f"VALUES ('delete', old.id, old.reference, old.original_name, old.description); END")
    op.execute(f"CREATE TRIGGER exhibit_text_update AFTER UPDATE OF {COLUMNS} ON exhibits BEGIN "
               f"INSERT INTO exhibit_text(exhibit_text, rowid, {COLUMNS}) "
               f"VALUES ('delete', old.id, old.reference, old.original_name, old.description); "
               f"INSERT INTO exhibit_text(rowid, {COLUMNS}) "
               f"VALUES (new.id, new.reference, new.original_name, new.description); END")


def downgrade() -> None:
    for trigger in ("exhibit_text_update", "exhibit_text_delete", "exhibit_text_insert"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE exhibit_text")
