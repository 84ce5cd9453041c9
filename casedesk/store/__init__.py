"""Storage: SQLAlchemy models over SQLCipher, Alembic migrations, append-only triggers."""
