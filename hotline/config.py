"""Typed settings for the whole product, built once by the entry point and injected everywhere."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"
REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str | None = None  # None: start the embedded PostgreSQL under data_dir
    # A streaming replica for the reads that tolerate a second of lag (reports, hot issues, audit queries).
    # None: those reads use the primary's pool.
    read_database_url: str | None = None
    data_dir: Path = REPO_ROOT / "var"
    shared_data_dir: Path = REPO_ROOT.parent / "shared" / "data"
    secret_key: str = DEVELOPMENT_SECRET
    # Access tokens are short; a page session is renewed while its user is active, up to session_max_hours after
    # login. Disabling, moving or logging out ends a token at once whatever its expiry (hotline.auth.sessions).
    token_ttl_minutes: int = 30
    session_max_hours: int = 12
    demo: bool = True  # HOTLINE_DEMO=0 seeds the city structure without demo tickets
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 256 * 1024
    max_content_chars: int = 20_000
    public_requests_per_minute: int = 60  # per address, on public intake, chat and answers
    # per address, on knowledge search without a staff login: a citizen searching as they type stays well under it
    public_searches_per_minute: int = 120
    # Open311: reads of requests without an API key, per address (ticket numbers are sequential: enumeration
    # meets 429 quickly), and everything one outside system's key does, per key.
    open311_reads_per_minute: int = 30
    open311_key_requests_per_minute: int = 600
    open311_jurisdiction_id: str = "wenzhou.gov.cn"  # the one jurisdiction this endpoint serves
    # The ticket lookup (number + last 4 phone digits), staff included: wrong digits per ticket number, and
    # lookups per caller (a staff account, else the address).
    lookup_misses_per_ticket_per_hour: int = 10
    lookups_per_caller_per_minute: int = 20
    # Behind a reverse proxy: the proxies' addresses (comma-separated) whose X-Forwarded-For names the citizen, so
    # rate limits and lock-outs count citizens, not the proxy. None: the header is ignored (it could be forged).
    forwarded_allow_ips: str | None = None
    pool_min_size: int = 2
    pool_max_size: int = 10
    read_pool_max_size: int = 5
    db_command_timeout_s: float = 10.0
    classifier_dir: Path | None = None  # default: data_dir / "models" / "classifier"
    embedder: str = Field(default="e5", description="embedder spec: e5 | use | hashing[:dim] | st:/model/dir")
    load_models: bool = True
    # SMS to citizens (callback links, notices) through an HTTP gateway (README, "SMS gateway"). No URL: messages
    # wait in the outbox (短信发件箱, shown to supervisors) until one is configured.
    sms_gateway_url: str | None = None
    sms_gateway_token: str | None = None
    sms_max_attempts: int = Field(default=8, ge=1, le=50)  # then the message is `failed`, shown to supervisors
    sms_retry_seconds: float = Field(default=60.0, ge=0)  # first retry delay; doubles each time, at most an hour
    # The site's address as citizens reach it, for links sent by SMS. None: the address a staff request came to.
    public_url: str | None = None

    @model_validator(mode="after")
    def refuse_unsafe_production(self) -> "Settings":
        if self.environment == "production" and (
            self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "HOTLINE_SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        return self

    @property
    def classifier_path(self) -> Path:
        return self.classifier_dir or self.data_dir / "models" / "classifier"
