"""Storage: the Alembic migrations make exactly the schema the models describe, SQLite runs in WAL mode, and
starting again on an existing database changes nothing."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from aigc_cs.web.db import open_database
from aigc_cs.web.models import Base
from tests.web.conftest import web_settings


def test_migrations_match_the_models_and_sqlite_uses_wal(tmp_path):
    settings = web_settings(tmp_path, tmp_path)
    open_database(settings)
    open_database(settings)  # a second start finds the schema current
    engine = create_engine(settings.db_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
