"""Settings from the environment and `.env`. The names are fixed: deployment relies on them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LOCALES = ("kk", "ru", "en")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = Field(default="", alias="TELEGRAM_BOT_TOKEN")
    telegram_api_server: str = Field(
        default="https://api.telegram.org", alias="TELEGRAM_API_SERVER"
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///data/bot.db", alias="DATABASE_URL"
    )
    default_locale: str = Field(default="kk", alias="DEFAULT_LOCALE")
    files_dir: Path = Field(default=Path("data/files"), alias="FILES_DIR")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()
