"""The composition root: create_app(settings) wires the pool, the models, the routers and error handling."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from hotline.api import (
    admin_audit, admin_users, audit, auth, calendar, callbacks, command, console, cti, departments, dispatch,
    health, hot_issues, knowledge, metrics, open311, open311_keys, public, routing_rules, sla, sms, submissions,
    supervision, tickets,
)
from hotline.command.live import WallboardHub
from hotline.cti.stream import CallHub
from hotline.api.deps import refuse_nul_parameters
from hotline.config import Settings
from hotline.infra.db import UNAVAILABLE_ERRORS, create_pool, create_read_pool, database_went_away
from hotline.infra.errors import DomainError
from hotline.infra.middleware import BodyLimitMiddleware, UnhandledErrorMiddleware
from hotline.runtime import load_runtime
from hotline.web import pages
from hotline.auth.sessions import SessionChecker
from hotline.web.session import CsrfMiddleware, SessionRenewalMiddleware

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

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        """Routing's own refusals (no such path, method not allowed) in the error schema; a browser that
        follows a dead link (or opens an address that only takes a form's POST) gets a page in Chinese instead."""
        if exc.status_code in (404, 405) and _browser_page_request(request):
            return await pages.not_found_page(request, status_code=exc.status_code)  # e.g. /logout typed in
        code, message = {
            404: ("not_found", f"no such path: {request.url.path}"),
            405: ("method_not_allowed", f"{request.method} is not allowed on {request.url.path}"),
        }.get(exc.status_code, ("http_error", str(exc.detail)))
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=exc.status_code,
                            headers=exc.headers)

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        if database_went_away(exc):  # e.g. a rollback that failed because the connection had gone
            log.warning("database unavailable: %s", type(exc).__name__)
            return JSONResponse(
                {"error": {"code": "database_unavailable", "message": "the database is not answering; retry"}},
                status_code=503, headers={"Retry-After": "5"},
            )
        log.exception("unhandled error")
        return JSONResponse({"error": {"code": "internal_error", "message": "internal error"}}, status_code=500)


_MACHINE_PREFIXES = ("/api/", "/open311/", "/static/")
SWAGGER_UI = "/static/vendor/swagger-ui/"


def _browser_page_request(request: Request) -> bool:
    """A person's browser asking for a page (not a script or API client asking for data)."""
    return (request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", "")
            and not request.url.path.startswith(_MACHINE_PREFIXES))


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
        app.state.sessions = SessionChecker()
        app.state.cti_hub = CallHub(settings.database_url)  # listens only once a console opens its call stream
        app.state.wallboard = WallboardHub(database_url=settings.database_url, read_pool=read_pool,
                                           embedder=lambda: runtime.knowledge.index.embedder.name)
        try:
            yield
        finally:
            await app.state.cti_hub.close()
            await app.state.wallboard.close()
            if read_pool is not pool:
                await read_pool.close()
            await pool.close()

    # /docs is ours (below): FastAPI's own pages load Swagger UI and ReDoc from a CDN, blank without internet.
    app = FastAPI(title="12345 政务服务便民热线", version="0.1.0", lifespan=lifespan,
                  dependencies=[Depends(refuse_nul_parameters)], docs_url=None, redoc_url=None)
    _install_error_handlers(app)
    app.add_middleware(UnhandledErrorMiddleware)  # innermost of ours: inside it, every handler has had its turn
    app.add_middleware(SessionRenewalMiddleware, settings=settings)
    app.add_middleware(CsrfMiddleware, secret_key=settings.secret_key)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,  # outermost
                       larger_for={knowledge.IMPORT_PATH: knowledge.IMPORT_MAX_BYTES})
    for module in (auth, submissions, tickets, dispatch, sla, knowledge, departments, open311, health, callbacks,
                   metrics, public, audit, hot_issues, routing_rules, calendar, open311_keys, admin_users, sms,
                   supervision, admin_audit, cti, console, command):
        app.include_router(module.router)
    app.include_router(pages.router)

    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        """Swagger UI from the vendored swagger-ui-dist (make install), so the API's reference works offline."""
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="12345 热线 API 文档",
                                   swagger_js_url=SWAGGER_UI + "swagger-ui-bundle.js",
                                   swagger_css_url=SWAGGER_UI + "swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory hotline.app:app_from_env` (several processes behind a proxy)."""
    settings = Settings()
    if not settings.database_url:
        raise RuntimeError("set HOTLINE_DATABASE_URL to run several API processes on one database")
    return create_app(settings)
