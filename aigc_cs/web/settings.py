"""The web app's settings: the toolkit's `Settings` (home, engine, retrieval…) plus what only the server needs.
Each comes from `AIGC_CS_*` or aigc-cs.toml like every other setting, and a bad value is one Chinese line."""

from pathlib import Path

from pydantic import Field, SecretStr

from aigc_cs.config import Settings

DB_FILE = "web.db"
SECRET_FILE = "web-secret"


class WebSettings(Settings):
    database_url: str | None = Field(default=None, description="SQLAlchemy 数据库地址；不填用 <home>/web.db（SQLite）")
    secret_key: SecretStr | None = Field(default=None, description="会话签名密钥；不填时自动生成并保存在 <home>/web-secret")
    cookie_secure: bool = Field(default=False, description="只通过 HTTPS 发送会话 Cookie（在 HTTPS 反向代理后面时打开）")
    submit_per_minute: int = Field(default=10, ge=1, le=1000, description="每个学生每分钟最多提交几次答案")
    chat_per_minute: int = Field(default=15, ge=1, le=1000,
                                 description="每个学生每分钟在角色扮演里最多发几句回复（开始一次练习也算一句）")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / DB_FILE).resolve()}"

    @property
    def secret_file(self) -> Path:
        return self.home / SECRET_FILE
