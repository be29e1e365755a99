"""The composition root: create_app(settings) wires the pool, the models, the routers and error handling."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from hotline.api import (
    audit, auth, calendar, callbacks, departments, dispatch, health, hot_issues, knowledge, metrics, open311, public,
    routing_rules, sla, sms, submissions, supervision, tickets,
)
from hotline.config import Settings
from hotline.db import UNAVAILABLE_ERRORS, create_pool, create_read_pool
from hotline.errors import DomainError
from hotline.middleware import BodyLimitMiddleware
from hotline.runtime import load_runtime
from hotline.web import pages
from hotline.web.session import CsrfMiddleware

log = logging.getLogger(__name__)


def _field_errors(errors: list[dict]) -> list[dict[str, str]]:
    fields = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "form")]
        fields.append({"field": ".".join(loc) or "body", "reason": err.get("msg", "invalid")})
    return fields


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _field_errors(exc.errors())
        message = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
        return JSONResponse({"error": {"code": "validation_error", "message": message, "fields": fields}}, 422)

    @app.exception_handler(ValidationError)
    async def model_invalid(_: Request, exc: ValidationError) -> JSONResponse:
        fields = _field_errors(exc.errors())
        message = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
        return JSONResponse({"error": {"code": "validation_error", "message": message, "fields": fields}}, 422)

    for error_type in UNAVAILABLE_ERRORS:
        @app.exception_handler(error_type)
        async def database_unavailable(_: Request, exc: Exception) -> JSONResponse:
            log.warning("database unavailable: %s", type(exc).__name__)
            return JSONResponse(
                {"error": {"code": "database_unavailable", "message": "the database is not answering; retry"}},
                status_code=503, headers={"Retry-After": "5"},
            )

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse({"error": {"code": "internal_error", "message": "internal error"}}, status_code=500)


def create_app(settings: Settings) -> FastAPI:
    if not settings.database_url:
        raise ValueError("create_app needs settings.database_url (the CLI resolves the embedded one)")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool = await create_pool(settings, settings.database_url)
        read_pool = await create_read_pool(settings, settings.read_database_url) if settings.read_database_url else pool
        runtime = await load_runtime(settings, pool)
        app.state.settings = settings
        app.state.pool = pool
        app.state.read_pool = read_pool
        app.state.runtime = runtime
        try:
            yield
        finally:
            if read_pool is not pool:
                await read_pool.close()
            await pool.close()

    app = FastAPI(title="12345 政务服务便民热线", version="0.1.0", lifespan=lifespan)
    _install_error_handlers(app)
    app.add_middleware(CsrfMiddleware, secret_key=settings.secret_key)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,  # outermost
                       larger_for={knowledge.IMPORT_PATH: knowledge.IMPORT_MAX_BYTES})
    for module in (auth, submissions, tickets, dispatch, sla, knowledge, departments, open311, health, callbacks,
                   metrics, public, audit, hot_issues, routing_rules, calendar, sms, supervision):
        app.include_router(module.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory hotline.app:app_from_env` (several processes behind a proxy)."""
    settings = Settings()
    if not settings.database_url:
        raise RuntimeError("set HOTLINE_DATABASE_URL to run several API processes on one database")
    return create_app(settings)
