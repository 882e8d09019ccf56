"""Settings from the environment and `.env`. The names are fixed: deployment relies on them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from handlers.email.compose import ReplyAddress

SUPPORTED_LOCALES = ("kk", "ru", "en")
# What Telegram accepts as a webhook's secret_token.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


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
    # Seals personal data at rest: comma-separated keys, the first seals (storage/keys.py).
    data_key: str = Field(default="", alias="DATA_KEY", repr=False)
    # Without DATA_KEY, the key made on first start (mode 0600), by default beside FILES_DIR
    # (data/data.key): back it up with the data, or nothing can be read again.
    data_key_file: Path | None = Field(default=None, alias="DATA_KEY_FILE")

    @property
    def key_file(self) -> Path:
        return self.data_key_file or self.files_dir.parent / "data.key"
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # `json`: one JSON object a line (time, level, logger, message), personal data masked.
    log_format: Literal["text", "json"] = Field(default="text", alias="LOG_FORMAT")
    # Retention (issue 13): a draft untouched this long is deleted with its files; a closed
    # application is anonymised this long after its last status change.
    draft_retention_days: int = Field(default=30, ge=1, alias="DRAFT_RETENTION_DAYS")
    retention_days: int = Field(default=1095, ge=1, alias="RETENTION_DAYS")
    # Updates handled at once while polling. Past it, the next poll waits and the rest stay
    # with Telegram: a surge (a ministry's announcement on TV) neither grows the process
    # without bound nor slows everyone's answer. 100 keeps the replies flowing while each
    # waits ~0.1 s on the Bot API, well past what one process answers per second.
    updates_in_flight: int = Field(default=100, ge=1, alias="UPDATES_IN_FLIGHT")
    # With replicas: a message claimed by one that died is settled after this long.
    outbox_lease_seconds: int = Field(default=300, ge=5, alias="OUTBOX_LEASE_SECONDS")
    # With replicas: an update no replica touched for this long is a dead one's, and a live
    # one answers it (WhatsApp: Meta never sends it again once it heard 200).
    replica_takeover_seconds: int = Field(default=120, ge=5, alias="REPLICA_TAKEOVER_SECONDS")
    # The staff supergroup with forum topics; without it, staff features are off.
    staff_chat_id: int | None = Field(default=None, alias="STAFF_CHAT_ID")
    staff_admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, alias="STAFF_ADMIN_IDS")
    staff_locale: str = Field(default="ru", alias="STAFF_LOCALE")
    # The staff web console (issue 17), /console: its roles by Telegram id, comma-separated;
    # any other staff member (STAFF_ADMIN_IDS or the staff group) signs in as an officer.
    console_heads: Annotated[list[int], NoDecode] = Field(
        default_factory=list, alias="CONSOLE_HEADS")  # also see the audit and complaints
    console_viewers: Annotated[list[int], NoDecode] = Field(
        default_factory=list, alias="CONSOLE_VIEWERS")  # read only: no step, no reply
    # A console session ends after this long with no click and no typing; the page warns
    # before (two minutes, or a quarter of it when shorter).
    console_idle_minutes: float = Field(default=30, gt=0, alias="CONSOLE_IDLE_MINUTES")
    # Video rooms for the conversation with the child: a room is this URL + a random name.
    interview_video_base: str = Field(default="", alias="INTERVIEW_VIDEO_BASE")
    # The bot's own HTTP server: the documents' verification page, the WhatsApp webhook.
    http_host: str = Field(default="127.0.0.1", alias="HTTP_HOST")
    http_port: int = Field(default=8080, alias="HTTP_PORT")
    # Where people reach that server: printed on every document with its QR code.
    public_base_url: str = Field(default="", alias="PUBLIC_BASE_URL")
    # Webhook mode instead of long polling: the public URL Telegram posts updates to (the
    # TLS proxy passes it to POST /webhooks/telegram on that server), and the secret Telegram
    # sends with each of them (required with the URL).
    telegram_webhook_url: str = Field(default="", alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str = Field(default="", alias="TELEGRAM_WEBHOOK_SECRET",
                                         repr=False)
    # WhatsApp Cloud API; without these the bot runs on Telegram alone.
    whatsapp_phone_number_id: str = Field(default="", alias="WHATSAPP_PHONE_NUMBER_ID")
    whatsapp_access_token: str = Field(default="", alias="WHATSAPP_ACCESS_TOKEN")
    whatsapp_app_secret: str = Field(default="", alias="WHATSAPP_APP_SECRET")
    whatsapp_verify_token: str = Field(default="", alias="WHATSAPP_VERIFY_TOKEN")
    whatsapp_api_base: str = Field(default="https://graph.facebook.com/v23.0",
                                   alias="WHATSAPP_API_BASE")
    whatsapp_template_status: str = Field(default="application_status",
                                          alias="WHATSAPP_TEMPLATE_STATUS")
    # E-mail, the third channel (issue 16, handlers/email/): mails go out through this SMTP
    # server; without SMTP_HOST nothing is sent by e-mail.
    smtp_host: str = Field(default="", alias="SMTP_HOST")
    smtp_port: int = Field(default=587, alias="SMTP_PORT")
    smtp_username: str = Field(default="", alias="SMTP_USERNAME")
    smtp_password: str = Field(default="", alias="SMTP_PASSWORD", repr=False)
    smtp_from: str = Field(default="", alias="SMTP_FROM")
    smtp_starttls: bool = Field(default=True, alias="SMTP_STARTTLS")
    # The inbound address; a session's replies go to its `+code` (interview+K7Q2M9@body.kz).
    email_reply_to: str = Field(default="", alias="EMAIL_REPLY_TO")
    # The SMTP listener the body's mail server hands those replies to; off without a port.
    email_listen_host: str = Field(default="127.0.0.1", alias="EMAIL_LISTEN_HOST")
    email_listen_port: int | None = Field(default=None, alias="EMAIL_LISTEN_PORT")
    # A larger incoming mail is refused, with a kind SMTP answer.
    max_email_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, alias="MAX_EMAIL_BYTES")

    @property
    def verify_base(self) -> str:
        return self.public_base_url or f"http://{self.http_host}:{self.http_port}"

    @property
    def whatsapp_enabled(self) -> bool:
        return all((self.whatsapp_phone_number_id, self.whatsapp_access_token,
                    self.whatsapp_app_secret, self.whatsapp_verify_token))

    @field_validator("staff_admin_ids", "console_heads", "console_viewers", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        return value

    @field_validator("staff_chat_id", "email_listen_port", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("email_reply_to")
    @classmethod
    def _reply_address(cls, value: str) -> str:
        if value:
            ReplyAddress.parse(value)  # its ValueError says what is wrong
        return value

    @field_validator("default_locale", "staff_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        url = urlsplit(value)
        if url.scheme not in ("https", "http") or not url.hostname:
            raise ValueError("TELEGRAM_WEBHOOK_URL must be an https:// URL")
        official = urlsplit(str(info.data.get("telegram_api_server", ""))).hostname
        if url.scheme == "http" and official == "api.telegram.org":
            # Only a local Bot API server (TELEGRAM_API_SERVER) posts to plain http.
            raise ValueError("TELEGRAM_WEBHOOK_URL must be an https:// URL")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str) -> str:
        if value and not WEBHOOK_SECRET.fullmatch(value):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters, only A-Z, "
                             "a-z, 0-9, _ and -")
        return value

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()
