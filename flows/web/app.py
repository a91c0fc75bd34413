"""The triage web app: server-rendered pages over the warehouse (Starlette + Jinja2).

Pages: the queue (``/``), one paper (``/paper/{pmid}``), one flag (``/flag/{id}``), a decision
and what it changed (``/decision/{id}``), and the login page. Every change is a POST carrying the
session's CSRF token, made by a logged-in maintainer, and goes through
``flows.triage_service.decide`` (the same function as ``rifwatch triage``); on success the browser
is sent to the decision's page, which shows the pooled estimates and flags that moved.

The warehouse is opened per request and closed before the page is rendered: a read-only
connection for a page, a write connection for a decision, each waiting a bounded time, so the
weekly run and this server take turns. Requests in this process take turns too (one lock),
because DuckDB refuses a read-only and a writable connection to one file in the same process.
When the weekly run holds the file past the wait, the page says so (503) and offers to resend.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from config.schema import Config
from flows.recompute import PoolStep
from flows.triage_access import (BUSY_MESSAGE, READ_WAIT_SECONDS, WRITE_WAIT_SECONDS, WarehouseBusy, reading,
                                 uncertain_band)
from flows.triage_service import DecisionRequest, decide, default_curator
from flows.triage_text import describe_change, describe_effect, fmt_number, fmt_value
from flows.web import pages
from flows.web.auth import CSRF_FIELD, csrf_ok, csrf_token, safe_next, token_matches
from models.curation import CurationError
from warehouse.db import WarehouseError

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "rifwatch_triage"
#: A working day: a maintainer logs in once in the morning; a forgotten browser tab expires.
SESSION_MAX_AGE = 12 * 3600
#: Pause after a wrong token, so guessing costs time even before the token's length does.
FAILED_LOGIN_DELAY = 0.5
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
     b"base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


@dataclass(frozen=True)
class Settings:
    """How one server runs: its warehouse, token and waits."""

    db: Path
    config: Config
    token: str | None = None
    allow_remote: bool = False
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    read_wait: float = READ_WAIT_SECONDS
    write_wait: float = WRITE_WAIT_SECONDS
    pool: PoolStep | None = None


class Warehouse:
    """The server's only way to the warehouse: one request at a time, each briefly."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()

    def read(self, fn: Callable[[Any], Any]) -> Any:
        with self.lock, reading(self.settings.db, wait_seconds=self.settings.read_wait, migrate=False) as con:
            return fn(con)

    def decide(self, request: DecisionRequest):
        with self.lock:
            return decide(self.settings.db, request, self.settings.config, wait_seconds=self.settings.write_wait,
                          pool=self.settings.pool)


class SecurityHeaders:
    """Adds the same protective headers to every response (no scripts, no framing, no referrer)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)
        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_number
    env.filters["val"] = fmt_value
    env.globals.update(describe_effect=describe_effect, describe_change=describe_change, csrf_field=CSRF_FIELD)
    return env


def create_app(settings: Settings) -> Starlette:
    """The app for ``settings``; ``uvicorn.run(create_app(...))`` serves it."""
    templates = Jinja2Templates(env=_environment())
    store = Warehouse(settings)
    band = uncertain_band(settings.config)

    def logged_in(request: Request) -> bool:
        return bool(request.session.get("curator")) and settings.token is not None

    def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        base = {"csrf": csrf_token(request.session), "curator": request.session.get("curator"),
                "logged_in": logged_in(request), "changes_on": settings.token is not None}
        return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)

    def message(request: Request, title: str, text: str, status: int, resend: dict | None = None) -> Response:
        response = render(request, "message.html", {"title": title, "text": text, "resend": resend}, status)
        if status == 503:
            response.headers["retry-after"] = "5"
        return response

    async def read_page(request: Request, fn: Callable[[Any], Any]) -> Any:
        if settings.allow_remote and not logged_in(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        try:
            return await run_in_threadpool(store.read, fn)
        except WarehouseBusy:
            return message(request, "Busy", BUSY_MESSAGE, 503)
        except WarehouseError as exc:
            return message(request, "Warehouse unavailable", str(exc), 500)

    async def show(request: Request, fn: Callable[[Any], Any], template: str, missing: str,
                   extra: dict | None = None) -> Response:
        """Read a page's data, then render it (or the busy, error or not-found page)."""
        data = await read_page(request, fn)
        if isinstance(data, Response):
            return data
        if data is None:
            return message(request, "Not found", missing, 404)
        return render(request, template, {**data, **(extra or {})})

    async def queue(request: Request) -> Response:
        return await show(request, lambda con: pages.queue_page(con, band), "queue.html", "")

    async def paper(request: Request) -> Response:
        pmid = request.path_params["pmid"]
        return await show(request, lambda con: pages.paper_page(con, pmid, band, settings.config), "paper.html",
                          f"No paper with PMID {pmid} in the warehouse.", {"error": None, "form": {}})

    async def flag(request: Request) -> Response:
        flag_id = request.path_params["flag_id"]
        return await show(request, lambda con: pages.flag_page(con, flag_id), "flag.html",
                          f"No flag #{flag_id} in the warehouse.", {"error": None})

    async def decision(request: Request) -> Response:
        decision_id = request.path_params["decision_id"]
        return await show(request, lambda con: pages.decision_page(con, decision_id), "decision.html",
                          f"No decision #{decision_id}.")

    def refuse_change(request: Request, form) -> Response | None:
        if settings.token is None:
            return message(request, "Changes are off", "This server was started without a triage token, so it "
                           "shows the queue but accepts no decisions. Start it with RIFWATCH_TRIAGE_TOKEN or "
                           "--token-file.", 403)
        if not csrf_ok(request.session, form.get(CSRF_FIELD)):
            return message(request, "Form expired", "The form's security token did not match this session. "
                           "Reload the page and send it again.", 403)
        if not logged_in(request):
            return message(request, "Log in first", "Only a logged-in maintainer can record decisions.", 403)
        return None

    async def decide_by_form(request: Request, build: Callable[[Any, str], DecisionRequest],
                             reshow: Callable[[Any], Any], template: str, keep_form: bool) -> Response:
        """Check the POST, apply the decision it asks for, and go to the decision's page; on a bad
        value show the form's page again with the error (and what was typed)."""
        form = await request.form()
        refused = refuse_change(request, form)
        if refused:
            return refused
        try:
            outcome = await run_in_threadpool(store.decide, build(form, request.session["curator"]))
        except WarehouseBusy:
            fields = {k: v for k, v in form.items() if k != CSRF_FIELD}
            return message(request, "Busy", BUSY_MESSAGE, 503, resend={"action": request.url.path, "fields": fields})
        except CurationError as exc:
            data = await read_page(request, reshow)
            if isinstance(data, Response) or data is None:
                return message(request, "Not recorded", str(exc), 400)
            return render(request, template, {**data, "error": str(exc), **({"form": dict(form)} if keep_form else {})},
                          400)
        except WarehouseError as exc:
            return message(request, "Warehouse unavailable", str(exc), 500)
        return RedirectResponse(f"/decision/{outcome.decision_id}", status_code=303)

    def text(form, name: str) -> str | None:
        return str(form.get(name) or "") or None

    async def decide_paper(request: Request) -> Response:
        pmid = request.path_params["pmid"]

        def build(form, curator: str) -> DecisionRequest:
            return DecisionRequest(
                action=text(form, "action") or "", reason=text(form, "reason") or "", curator=curator, pmid=pmid,
                effect_key=text(form, "effect_key"), field=text(form, "field"), value=text(form, "value") or "",
                why=text(form, "why"), of_pmid=text(form, "of_pmid"), via="web")
        return await decide_by_form(request, build, lambda con: pages.paper_page(con, pmid, band, settings.config),
                                    "paper.html", keep_form=True)

    async def decide_flag(request: Request) -> Response:
        flag_id = request.path_params["flag_id"]

        def build(form, curator: str) -> DecisionRequest:
            return DecisionRequest(action="flag", reason=text(form, "reason") or "", curator=curator, flag_id=flag_id,
                                   verdict=text(form, "verdict") or "", via="web")
        return await decide_by_form(request, build, lambda con: pages.flag_page(con, flag_id), "flag.html",
                                    keep_form=False)

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return render(request, "login.html", {"next": safe_next(request.query_params.get("next")), "error": None,
                                                  "default_curator": default_curator()})
        form = await request.form()
        target = safe_next(str(form.get("next") or "/"))
        error = None
        if settings.token is None:
            error = "This server has no triage token, so nobody can log in to make changes."
        elif not csrf_ok(request.session, form.get(CSRF_FIELD)):
            error = "The form expired; try again."
        elif not token_matches(settings.token, str(form.get("token") or "")):
            await asyncio.sleep(FAILED_LOGIN_DELAY)
            error = "That token is not this server's triage token."
        elif not " ".join(str(form.get("curator") or "").split()):
            error = "Say who you are: decisions are recorded with your name."
        if error:
            return render(request, "login.html", {"next": target, "error": error,
                                                  "default_curator": str(form.get("curator") or "")}, 403)
        request.session.clear()
        request.session["curator"] = " ".join(str(form["curator"]).split())[:200]
        request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
        return RedirectResponse(target, status_code=303)

    async def logout(request: Request) -> Response:
        form = await request.form()
        if csrf_ok(request.session, form.get(CSRF_FIELD)):
            request.session.clear()
        return RedirectResponse("/", status_code=303)

    routes = [
        Route("/", queue),
        Route("/paper/{pmid:str}", paper),
        Route("/paper/{pmid:str}/decide", decide_paper, methods=["POST"]),
        Route("/flag/{flag_id:int}", flag),
        Route("/flag/{flag_id:int}/decide", decide_flag, methods=["POST"]),
        Route("/decision/{decision_id:int}", decision),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    hosts = ["*"] if settings.allow_remote else list(settings.hosts)
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
        # A fresh secret per start: restarting the server logs everyone out, which is cheap here.
        Middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32), session_cookie=SESSION_COOKIE,
                   max_age=SESSION_MAX_AGE, same_site="strict"),
    ]
    return Starlette(routes=routes, middleware=middleware)
