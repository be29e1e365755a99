"""The workspaces as server-rendered pages: login, 座席 agent console, 回访 callback desk, department inbox, public
portal, 督办, 系统管理 (admin), and the citizen's one-time callback page.

Pages only check who may open them; everything they show or change goes through the JSON API from the
page's script, so the API's access rules are the only ones. Two exceptions read on the server: reference
lists for a page's filters, and the callback page, rendered in the state its link is in (a dead link is a
clear message, not a failed request in the citizen's browser).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from hotline.abuse.service import TooManyRequests
from hotline.api.auth import checked_login
from hotline.api.callbacks import public_callback
from hotline.api.deps import AppSettings, Conn
from hotline.auth.tokens import Principal, issue_token
from hotline.city import service as city
from hotline.infra.errors import NotFound, Unauthorized
from hotline.web.session import (
    CSRF_COOKIE, end_page_session, end_session, forget_stale_session, new_login_csrf, session_principal,
    set_login_csrf, start_session, tokens_match,
)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=WEB_DIR / "templates")
router = APIRouter(include_in_schema=False)

# Every asset is ours: no inline script or style, no other origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ROLE_LABELS = {"agent": "座席", "department": "承办单位", "supervisor": "督办", "admin": "管理员"}


@dataclass(frozen=True)
class Workspace:
    path: str
    label: str
    roles: frozenset[str]


AGENT = Workspace("/agent", "座席工作台", frozenset({"agent", "supervisor", "admin"}))
CALLBACKS = Workspace("/callbacks", "回访工作台", frozenset({"agent", "supervisor", "admin"}))
DEPARTMENT = Workspace("/department", "承办单位工作台", frozenset({"department"}))
SUPERVISOR = Workspace("/supervisor", "督办中心", frozenset({"supervisor", "admin"}))
COMMAND = Workspace("/command", "数据驾驶舱", frozenset({"supervisor", "admin"}))
WALLBOARD = Workspace("/command/wallboard", "大屏", COMMAND.roles)  # opened from the command view, not the menu
ADMIN = Workspace("/admin", "系统管理", frozenset({"admin"}))
WORKSPACES = (AGENT, CALLBACKS, DEPARTMENT, SUPERVISOR, COMMAND, ADMIN)
HOME_BY_ROLE = {"agent": AGENT.path, "department": DEPARTMENT.path, "supervisor": SUPERVISOR.path,
                "admin": ADMIN.path}


def _render(request: Request, template: str, principal: Principal | None, *, status_code: int = 200,
            **context) -> HTMLResponse:
    nav = [w for w in WORKSPACES if principal and principal.role in w.roles]
    response = templates.TemplateResponse(
        request, template,
        {"principal": principal, "role_label": ROLE_LABELS.get(principal.role) if principal else None,
         "nav": nav, "current_path": request.url.path, **context},
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


async def _workspace_page(request: Request, workspace: Workspace, template: str, **context) -> Response:
    principal = await session_principal(request)
    if principal is None:
        response = RedirectResponse(f"/login?next={quote(workspace.path)}", status_code=303)
        forget_stale_session(request, response, principal)
        return response
    if principal.role not in workspace.roles:
        return _render(request, "forbidden.html", principal, status_code=403, workspace=workspace)
    return _render(request, template, principal, workspace=workspace, **context)


async def not_found_page(request: Request, *, status_code: int = 404) -> HTMLResponse:
    """页面不存在, for a person who followed a dead link: where to go instead, in the same frame as every page."""
    principal = await session_principal(request)
    home = HOME_BY_ROLE.get(principal.role, "/") if principal else "/"
    return _render(request, "not_found.html", principal, status_code=status_code, home=home)


def _landing(principal: Principal, requested: str | None) -> str:
    """Where to go after login: the page asked for if this role may open it, else the role's home."""
    for workspace in (*WORKSPACES, WALLBOARD):
        if requested == workspace.path and principal.role in workspace.roles:
            return workspace.path
    return HOME_BY_ROLE.get(principal.role, "/")


async def _login_form(request: Request, *, error: str | None = None, username: str = "", next_path: str = "",
                      status_code: int = 200) -> HTMLResponse:
    token = request.cookies.get(CSRF_COOKIE) or new_login_csrf()
    response = _render(request, "login.html", None, status_code=status_code, error=error, username=username,
                       next_path=next_path, csrf_token=token)
    if request.cookies.get(CSRF_COOKIE) != token:
        set_login_csrf(response, token, settings=request.app.state.settings)
    forget_stale_session(request, response, await session_principal(request))
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "") -> Response:
    principal = await session_principal(request)
    if principal is not None:
        return RedirectResponse(_landing(principal, next), status_code=303)
    return await _login_form(request, next_path=next)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request, settings: AppSettings,
    username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if not tokens_match(request.cookies.get(CSRF_COOKIE), csrf_token):
        return await _login_form(request, error="页面已过期，请重新登录", username=username, next_path=next,
                                 status_code=403)
    try:
        principal, epoch = await checked_login(request, username=username, password=password)
    except Unauthorized:
        return await _login_form(request, error="用户名或密码错误", username=username, next_path=next,
                                 status_code=401)
    except TooManyRequests as exc:
        response = await _login_form(
            request, error=f"登录失败次数过多，请{exc.retry_after // 60 + 1}分钟后再试或联系管理员解锁",
            username=username, next_path=next, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    token = issue_token(principal, secret=settings.secret_key, ttl_minutes=settings.token_ttl_minutes, epoch=epoch)
    response = RedirectResponse(_landing(principal, next), status_code=303)
    start_session(response, session_token=token, settings=settings)
    return response


@router.post("/logout")
async def logout(request: Request, settings: AppSettings) -> Response:
    await end_page_session(request)  # the cookie may have been copied: the session itself ends
    response = RedirectResponse("/login", status_code=303)
    end_session(response, settings=settings)
    return response


@router.get("/", response_class=HTMLResponse)
async def portal(request: Request) -> Response:
    principal = await session_principal(request)
    response = _render(request, "portal.html", principal)
    forget_stale_session(request, response, principal)
    return response


@router.get("/agent", response_class=HTMLResponse)
async def agent_console(request: Request) -> Response:
    return await _workspace_page(request, AGENT, "agent.html")


@router.get("/callbacks", response_class=HTMLResponse)
async def callback_desk(request: Request) -> Response:
    return await _workspace_page(request, CALLBACKS, "callbacks.html")


@router.get("/department", response_class=HTMLResponse)
async def department_inbox(request: Request) -> Response:
    return await _workspace_page(request, DEPARTMENT, "department.html")


@router.get("/supervisor", response_class=HTMLResponse)
async def supervisor_dashboard(request: Request, conn: Conn) -> Response:
    return await _workspace_page(request, SUPERVISOR, "supervisor.html", districts=await city.districts(conn))


@router.get("/admin", response_class=HTMLResponse)
async def admin_workspace(request: Request) -> Response:
    return await _workspace_page(request, ADMIN, "admin.html")


@router.get("/command", response_class=HTMLResponse)
async def command_view(request: Request, conn: Conn) -> Response:
    return await _workspace_page(request, COMMAND, "command.html", districts=await city.districts(conn))


@router.get("/command/wallboard", response_class=HTMLResponse)
async def wallboard(request: Request) -> Response:
    return await _workspace_page(request, WALLBOARD, "wallboard.html")


@router.get("/ranking", response_class=HTMLResponse)
async def public_ranking(request: Request) -> Response:
    """向社会公布: the monthly ranking for anyone, reached from the portal without a login."""
    principal = await session_principal(request)
    response = _render(request, "ranking.html", principal)
    forget_stale_session(request, response, principal)
    return response


@router.get("/callback/{token}", response_class=HTMLResponse)
async def citizen_callback(request: Request, token: str, conn: Conn) -> Response:
    """The page a citizen's SMS link opens: the reply to evaluate, or why there is nothing to evaluate."""
    principal = await session_principal(request)
    try:
        # The API's own reading of the link, so the page and the API never disagree about its state.
        callback = await public_callback(token, conn) if 16 <= len(token) <= 128 else None
    except NotFound:
        callback = None
    # A dead link still answers 200: the page itself is the explanation, and a 404 document would be
    # reported as a failed resource in the citizen's browser.
    response = _render(request, "callback.html", principal, callback=callback, token=token)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    forget_stale_session(request, response, principal)
    return response
