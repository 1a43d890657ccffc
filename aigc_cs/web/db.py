"""The database: an engine for the configured URL (SQLite in WAL mode under the tool's home by default, or a
PostgreSQL server through psycopg 3), brought to the newest schema by the Alembic migrations, once per start and one
process at a time (a file lock on one machine; on PostgreSQL also an advisory lock, for app servers on several)."""

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from aigc_cs.errors import UserError
from aigc_cs.files import cannot_write
from aigc_cs.web.settings import WebSettings

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATE_LOCK = ".web-migrate.lock"  # in home, for a database server; beside the file, for SQLite
MIGRATE_WAIT_S = 60
POOL_KEPT = 10  # connections kept open between requests; more are opened while more requests need one
MIGRATE_KEY = 0x61696763  # the PostgreSQL advisory lock taken while migrating ("aigc")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":  # SQLAlchemy's default driver for it is psycopg2; ours is psycopg 3
            parsed = parsed.set(drivername="postgresql+psycopg")
        # A request holds its connection from the sign-in check to the end of the response, also while it waits for
        # a thread: a capped pool starves when a whole class submits at once. So no cap here; the database's own
        # limit (PostgreSQL's max_connections) is the one to size, see the deployment notes.
        engine = create_engine(parsed, pool_size=POOL_KEPT, max_overflow=-1,
                               pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except Exception as exc:  # a malformed URL, or a driver that is not installed; the URL may hold a password
        raise UserError(f"AIGC_CS_DATABASE_URL 不可用（{type(exc).__name__}），请改正或删除这项设置") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def migrate(engine: Engine, lock: Path) -> None:
    """Upgrade the schema to the newest migration; processes started together take turns (the file lock)."""
    from alembic import command
    from alembic.config import Config
    from filelock import FileLock, Timeout

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with FileLock(str(lock), timeout=MIGRATE_WAIT_S), engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # held until the migration commits
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Timeout:
        raise UserError(f"{lock}：另一个进程正在升级网页版数据库，等了 {MIGRATE_WAIT_S} 秒仍未结束，请稍后再试") from None


def open_database(settings: WebSettings) -> sessionmaker[Session]:
    """A session factory for the configured database, with its schema up to date."""
    from sqlalchemy.exc import OperationalError

    engine = make_engine(settings.db_url)
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    lock = Path(f"{database}.migrate.lock") if database else settings.home / MIGRATE_LOCK
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(lock.parent, exc) from None
    try:
        migrate(engine, lock)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0]  # psycopg adds lines of hints
        raise UserError(f"无法打开网页版数据库（{reason}），请检查 AIGC_CS_DATABASE_URL 或 {settings.home} 的写入权限") from None
    return sessionmaker(engine, expire_on_commit=False)
