"""`crimeplan serve`: the performance dashboard, a web app on the stored results layer.

Server-rendered pages in the public site's look (the same templates and blocks), every script-free,
with the stylesheet served by the app itself. Every data route (pages, JSON, downloads, chart
images) asks `accounts.can`; an account sees only its scope's areas. Addresses carry the period:
`/<YYYY-MM>/measure/<id>.html`, so every link on a page stays in the month it shows.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import secrets
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from crimeplan.accounts import AccessMap, AccountsDB, Action, Refused, Role, User, can, workflow
from crimeplan.accounts import sessions as sess
from crimeplan.errors import BadInput, StoreBusy
from crimeplan.periods import add_months, financial_quarter, last_quarter_end
from crimeplan.plans.commentary import MSG_PREFIX, load_commentary
from crimeplan.plans.model import Plan
from crimeplan.report import format as fmt
from crimeplan.report.build import EDITIONS, build_document
from crimeplan.report.common import assessment, performance_table, row_of, spc_figure
from crimeplan.report.document import BulletList, Cell, Footnotes, Heading, Paragraph, Table
from crimeplan.report.lineage import lineage_of
from crimeplan.report.render import FORMATS, render
from crimeplan.report.spc_chart import ICON_TEXT
from crimeplan.results import Results, write_results
from crimeplan.web._runs import Runs, access_map, parse_period, scoped
from crimeplan.web._templates import environment, stylesheet
from crimeplan.web.site import Page, block_views, common_frame, lpas, page_at, render_page, slug

SESSION_COOKIE = "crimeplan_session"
PRESESSION_COOKIE = "crimeplan_presession"  # binds the sign-in form's CSRF token before a session exists
# a cached page's marks for what differs between accounts of one role and scope
NAME_MARK, CSRF_MARK = "%%crimeplan-account-name%%", "%%crimeplan-csrf-token%%"
APP_NAVIGATION = (("Priorities", "index.html"), ("Areas", "areas.html"), ("What changed", "changes.html"),
                  ("Downloads", "downloads.html"))
SECURITY_HEADERS = {
    # nothing runs and nothing comes from elsewhere: the app's own stylesheet and inline SVG only
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
MEDIA = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclasses.dataclass
class AppSettings:
    """What `crimeplan serve` was started with."""

    store: Path
    plan: Plan
    accounts: Path
    secret: bytes
    sessions: sess.Settings = dataclasses.field(default_factory=sess.Settings)
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    secure_cookies: bool | None = None  # None: when the request came over https
    runs_ttl: float = 30.0


class _Cache:
    """A small least-recently-used cache, safe across the server's threads."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict[Any, Any](), threading.Lock()

    def get(self, k: Any, make: Callable[[], Any]) -> Any:
        """The value for k, made (outside the lock) when missing."""
        with self.lock:
            if k in self.items:
                self.items.move_to_end(k)
                return self.items[k]
        value = make()
        with self.lock:
            self.items[k] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


class Refusal(Exception):
    """An answer other than the page: status, heading and what to say."""

    def __init__(self, status: int, heading: str, text: str) -> None:
        super().__init__(text)
        self.status, self.heading, self.text = status, heading, text


@dataclasses.dataclass
class Visit:
    """One request's account, session token and the access map of the results it asks for."""

    user: User | None
    token: str | None
    db: AccountsDB


def create_app(settings: AppSettings) -> FastAPI:
    """The dashboard app for a store, a plan and an accounts database."""
    app = FastAPI(title="crimeplan", docs_url=None, redoc_url=None, openapi_url=None)
    env = environment()
    runs = Runs(settings.store, settings.plan, ttl=settings.runs_ttl)
    pages = _Cache(512)
    files = _Cache(32)  # rendered reports
    views = _Cache(256)  # scoped results, exports and charts, per results key
    shells = _Cache(2048)  # whole pages per role and scope, with marks for the account's name and token
    local = threading.local()
    css = stylesheet()
    plan_map = AccessMap.of(settings.plan)  # who may do what before any results are read

    def accounts() -> AccountsDB:
        db = getattr(local, "db", None)
        if db is None:
            db = local.db = AccountsDB(settings.accounts, clock=settings.clock)
        return db

    def visit(request: Request) -> Visit:
        db = accounts()
        token = request.cookies.get(SESSION_COOKIE)
        return Visit(sess.session_user(db, token, settings.sessions), token, db)

    def csrf_of(token: str | None) -> str:
        return sess.csrf_token(settings.secret, token) if token else ""

    def secure(request: Request) -> bool:
        return settings.secure_cookies if settings.secure_cookies is not None else request.url.scheme == "https"

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if not request.url.path.startswith("/assets/"):
            response.headers["Cache-Control"] = "no-store"
        if request.url.scheme == "https":
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    def frame(v: Visit | None, results: Results | None = None, page_path: str = "index.html",
              root: str = "/") -> dict[str, Any]:
        """What every app page's frame shows: the site's name, the account and the period picker."""
        user = v.user if v else None
        common: dict[str, Any] = (common_frame(results, "internal") if results is not None else
                                  {"site_name": settings.plan.title, "to_text": "", "lineage_text": "",
                                   "edition_text": ""})
        months = runs.months() if user else []
        latest = f"/{months[0]:%Y-%m}/" if months else None
        if latest and results is None:  # pages outside a period (commentary, audit) link to the latest month
            common["navigation"] = [{"href": latest + path, "text": text} for text, path in APP_NAVIGATION]
        return {**common, "user": user, "user_scope": _scope_words(user) if user else "",
                "csrf": csrf_of(v.token) if v else "", "assets_root": "/", "home_url": "/", "page_path": page_path,
                "can_comment": bool(user and user.role >= Role.CONTRIBUTOR),
                "can_audit": bool(user and can(user, Action.MANAGE_USERS, None, plan_map)),
                "periods": [{"value": f"{m:%Y-%m}", "text": f"{m:%B %Y}",
                             "selected": results is not None and m == results.to_month} for m in months]}

    def message(v: Visit | None, status: int, heading: str, *paragraphs: str, back: str | None = "/") -> HTMLResponse:
        html = env.get_template("message.html").render(
            **frame(v), root="/", page_title=heading, heading=heading, paragraphs=paragraphs, back=back,
            breadcrumbs=[])
        return HTMLResponse(html, status_code=status)

    def results_at(period: str) -> Results:
        try:
            month = parse_period(period)
        except BadInput:
            raise Refusal(404, "Page not found", f"{period} is not a month of stored results.") from None
        found = runs.results(month)
        if found is None:
            raise Refusal(404, "No results for that month",
                          f"No results for {month:%B %Y} are stored for this plan. An analyst makes them with "
                          f"`crimeplan compute --to {month:%Y-%m}`.")
        return found

    def signed_in(request: Request, v: Visit, html: bool) -> User:
        if v.user is None:
            if html:
                raise _ToLogin(request.url.path)
            raise Refusal(401, "Sign in", "Sign in to see this.")
        return v.user

    # -- signing in and out -------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> Response:
        """The sign-in form, its CSRF token bound to a pre-session cookie."""
        pre = request.cookies.get(PRESESSION_COOKIE) or secrets.token_urlsafe(32)
        return _login_page(request, pre, next, "", "", 200)

    def _login_page(request: Request, pre: str, next_path: str, name: str, error: str, status: int) -> Response:
        html = env.get_template("login.html").render(
            {**frame(None), "csrf": csrf_of(pre)}, root="/", page_title="Sign in", breadcrumbs=[],
            next=_local(next_path), name=name, error=error, failures=settings.sessions.max_failures)
        response = HTMLResponse(html, status_code=status)
        response.set_cookie(PRESESSION_COOKIE, pre, httponly=True, samesite="strict", secure=secure(request),
                            path="/login")
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        """Check the form's CSRF token, then the name and password (rate-limited by sessions.login)."""
        form = await _form(request)
        pre = request.cookies.get(PRESESSION_COOKIE)
        if not sess.check_csrf(settings.secret, pre, form.get("csrf")):
            return message(None, 403, "Form expired", "The sign-in form had expired or came from elsewhere. "
                           "Open the sign-in page again.", back="/login")
        name, next_path = form.get("name", "").strip(), _local(form.get("next", "/"))
        address = request.client.host if request.client else "unknown"
        db = accounts()
        try:
            token = sess.login(db, name, form.get("password", ""), address, settings.sessions)
        except sess.LockedOut as exc:
            db.audit(name or "-", "sign_in.locked_out", f"address:{address}")
            return _login_page(request, pre or "", next_path, name, str(exc).capitalize() + ".", 429)
        except sess.LoginRefused:
            return _login_page(request, pre or "", next_path, name, "The account name or password is wrong.", 400)
        db.audit(name, "sign_in", f"address:{address}")
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=secure(request),
                            max_age=int(settings.sessions.absolute.total_seconds()))
        response.delete_cookie(PRESESSION_COOKIE, path="/login")
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        """End the session (the form's CSRF token must match it)."""
        form = await _form(request)
        v = visit(request)
        if v.token is None or not sess.check_csrf(settings.secret, v.token, form.get("csrf")):
            return message(v, 403, "Form expired", "Sign out again from a page of this site.")
        sess.logout(v.db, v.token)
        if v.user:
            v.db.audit(v.user.name, "sign_out", "session")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # -- the stylesheet -------------------------------------------------------------------------
    @app.get("/assets/crimeplan.css")
    def assets() -> Response:
        """The compiled stylesheet (`make assets`), served by the app: nothing comes from a CDN."""
        return FileResponse(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    # -- the dashboard ----------------------------------------------------------------------------
    @app.get("/")
    def home(request: Request) -> Response:
        """The latest month's overview."""
        v = visit(request)
        try:
            signed_in(request, v, True)
        except _ToLogin as go:
            return go.response()
        months = runs.months()
        if not months:
            return message(v, 404, "No results stored yet",
                           "No results of this plan are stored. An analyst makes them with `crimeplan compute`.",
                           back=None)
        return RedirectResponse(f"/{months[0]:%Y-%m}/index.html", status_code=303)

    @app.get("/period")
    def period(request: Request, to: str = "", page: str = "index.html") -> Response:
        """The period picker's answer: the same page for another month."""
        v = visit(request)
        try:
            signed_in(request, v, True)
            month = parse_period(to)
        except _ToLogin as go:
            return go.response()
        except BadInput:
            return message(v, 400, "Choose a month", "Choose a month from the list.")
        return RedirectResponse(f"/{month:%Y-%m}/{_local(page).lstrip('/') or 'index.html'}", status_code=303)

    def data(request: Request, period: str, path: str) -> Response:
        """Every page, download, chart and JSON of a month, each asking `can` for the account's scope."""
        v = visit(request)
        html = (path.endswith(".html") or path == "") and not path.startswith("downloads/")
        try:
            user = signed_in(request, v, html)
            results = results_at(period)
            return route(v, user, results, path or "index.html")
        except _ToLogin as go:
            return go.response()
        except StoreBusy:  # a month not yet read while a load or compute holds the store
            r = Refusal(503, "Being updated", "The figures are being updated; try again in a minute.")
            if html:
                return message(v, r.status, r.heading, r.text)
            return JSONResponse({"error": r.text}, status_code=r.status)
        except Refusal as r:
            if html:
                return message(v, r.status, r.heading, r.text)
            return JSONResponse({"error": r.text}, status_code=r.status)

    def route(v: Visit, user: User, results: Results, path: str) -> Response:
        where = views.get((runs.tag(results), "where"), lambda: access_map(results))
        force_view = can(user, Action.VIEW, where.force, where)
        root = f"/{results.to_month:%Y-%m}/"
        scope_key = str(user.scope)
        shown = views.get((runs.tag(results), "scoped", scope_key), lambda: scoped(results, where, user.scope))

        def need_force() -> None:
            if not force_view:
                raise Refusal(403, "Not in your area", "Your account does not show the force's figures; "
                              "your own area's scorecard is under Areas.")

        if path in ("index.html", "areas.html", "msg.html") or path.startswith(("priority/", "measure/", "area/")):
            if path.startswith("area/"):
                name = _area_named(results, path)
                if name is None:
                    raise Refusal(404, "Page not found", "There is no such area.")
                if not can(user, Action.VIEW, name, where):
                    raise Refusal(403, "Not in your area", f"Your account does not show {name}'s figures.")
            elif path != "areas.html" and not (path == "index.html" and not force_view):
                need_force()
            if path == "index.html" and not force_view:
                return page_response(v, results, path, root, lambda: _your_areas(shown), ("mine", scope_key))
            return page_response(v, results, path, root, lambda: _page(shown, path), (scope_key,))
        if path == "changes.html":
            need_force()
            return page_response(v, results, path, root, lambda: _changes(results, runs), tuple(runs.months()))
        if path == "downloads.html":
            return page_response(v, results, path, root, lambda: _downloads_page(results, user, where), (scope_key,
                                 user.scope.kind == "force" and can(user, Action.DOWNLOAD, where.force, where)))
        if path.startswith("downloads/"):
            return download(v, user, results, shown, where, path.removeprefix("downloads/"))
        if path.startswith("charts/"):
            need_force()
            name = path.removeprefix("charts/")
            body, media = views.get((runs.tag(results), "chart", name), lambda: chart(results, name))
            return Response(body, media_type=media)
        if path == "results.json":
            body = views.get((runs.tag(results), "json", scope_key), lambda: _export_json(shown).encode("utf-8"))
            return Response(body, media_type="application/json")
        raise Refusal(404, "Page not found", "There is no such page.")

    def page_response(v: Visit, results: Results, path: str, root: str, make: Callable[[], Page | None],
                      variant: tuple[Any, ...]) -> Response:
        assert results.key is not None

        def body() -> tuple[str, Page] | None:
            page = make()
            if page is None:
                return None
            return str(env.get_template("page_body.html").render(
                root=root, heading=page.heading, caption=page.caption, lead=page.lead,
                views=block_views(page.blocks, root), notes=page.notes.items)), dataclasses.replace(page, blocks=[])

        found = pages.get((runs.tag(results), path, variant), body)
        if found is None:
            raise Refusal(404, "Page not found", "There is no such page.")
        content, page = found
        user = v.user
        assert user is not None

        def shell() -> str:
            # the whole page for every account of this role and scope, the name and token left as marks
            marked = Visit(dataclasses.replace(user, name=NAME_MARK), None, v.db)
            return render_page(env, "app.html", page, root, {**frame(marked, results, path, root), "csrf": CSRF_MARK},
                               navigation=APP_NAVIGATION, content=Markup(content))

        html = shells.get((runs.tag(results), path, variant, user.role, str(user.scope), tuple(runs.months())), shell)
        return HTMLResponse(html.replace(NAME_MARK, str(escape(user.name))).replace(CSRF_MARK, csrf_of(v.token)))

    def download(v: Visit, user: User, results: Results, shown: Results, where: AccessMap, name: str) -> Response:
        if name == "results.csv":
            body = views.get((runs.tag(results), "csv", str(user.scope)), lambda: _export_csv(shown))
            return Response(body, media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{_stem(results)}-results.csv"'})
        if user.scope.kind != "force" or not can(user, Action.DOWNLOAD, where.force, where):
            raise Refusal(403, "Not in your area", "Whole-force reports are for accounts that see the whole force; "
                          "your area's figures are in results.csv.")
        parsed = _report_name(results, name)
        if parsed is None:
            raise Refusal(404, "No such report", f"{name} is not one of this period's reports.")
        kind, edition, suffix = parsed
        commentary = _approved_commentary(v.db, results) if kind == "quarterly" else None
        digest = hashlib.sha256((commentary or "").encode()).hexdigest()
        data = files.get((runs.tag(results), kind, edition, suffix, digest),
                         lambda: _render_report(results, kind, edition, suffix, commentary))
        disposition = "inline" if suffix in (".html", ".pdf") else "attachment"
        return Response(data, media_type=MEDIA[suffix],
                        headers={"Content-Disposition": f'{disposition}; filename="{name}"'})

    def chart(results: Results, name: str) -> tuple[bytes, str]:
        stem, _, suffix = name.rpartition(".")
        measure_id, _, view = stem.rpartition("-")
        try:
            m = results.plan.measure(measure_id)
        except (KeyError, ValueError, BadInput):
            raise Refusal(404, "No such chart", f"{name} is not a chart of this plan.") from None
        stored = results.chart(m.id, view) if view in ("monthly", "quarterly") else None
        if stored is None or suffix not in ("svg", "json"):
            raise Refusal(404, "No such chart", f"{name} is not a chart of this plan.")
        if suffix == "json":
            return json.dumps(dataclasses.asdict(stored), default=str).encode("utf-8"), "application/json"
        figure = spc_figure(results, m, quarterly_points=view == "quarterly")
        if figure is None:
            raise Refusal(404, "No such chart", f"{m.label} has no {view} chart.")
        return figure.svg.encode("utf-8"), "image/svg+xml"

    # -- commentary -----------------------------------------------------------------------------
    def quarters() -> list[str]:
        months = runs.months()
        latest = last_quarter_end(months[0]) if months else last_quarter_end(settings.clock().date().replace(day=1))
        return [financial_quarter(add_months(latest, -3 * i)) for i in range(4)]

    def commentary_where() -> AccessMap:
        months = runs.months()
        found = runs.results(months[0]) if months else None
        return access_map(found) if found is not None else plan_map

    @app.get("/commentary", response_class=HTMLResponse)
    def commentary_list(request: Request, quarter: str = "") -> Response:
        """The commitments an account writes or reviews, with each one's state this quarter."""
        v = visit(request)
        try:
            user = signed_in(request, v, True)
        except _ToLogin as go:
            return go.response()
        if user.role < Role.CONTRIBUTOR:
            return message(v, 403, "Not for your account", "Commentary is written by contributors and reviewed "
                                                           "by analysts.")
        qs = quarters()
        quarter = quarter if quarter in qs else qs[0]
        where = commentary_where()
        rows = []
        for area, c in settings.plan.commitments():
            if not any(can(user, action, c.id, where)
                       for action in (Action.WRITE_COMMENTARY, Action.REVIEW_COMMENTARY)):
                continue
            e = workflow.entry(v.db, c.id, quarter)
            link = Markup('<a class="govuk-link" href="/commentary/{}?quarter={}">{}</a>').format(
                c.id, quote(quarter), c.text)
            rows.append([{"html": link}, {"text": area.title}, {"text": c.who},
                         {"html": _state_tag(e.state if e else None)},
                         {"text": f"{e.updated[:16].replace('T', ' ')} by {e.author}" if e else "–"}])
        html = env.get_template("commentary_list.html").render(
            **frame(v), root="/", page_title="Commentary", breadcrumbs=[], quarter=quarter,
            quarters=qs, rows=rows)
        return HTMLResponse(html)

    def commentary_page(v: Visit, user: User, cid: str, quarter: str, error: str = "", error_field: str = "",
                        draft: str | None = None, status: int = 200) -> Response:
        where = commentary_where()
        pair = next(((a, c) for a, c in settings.plan.commitments() if c.id == cid), None)
        if pair is None:
            return message(v, 404, "No such commitment", f"{cid} is not a commitment of this plan.",
                           back="/commentary")
        may_write = can(user, Action.WRITE_COMMENTARY, cid, where)
        may_review = can(user, Action.REVIEW_COMMENTARY, cid, where)
        if not (may_write or may_review):
            return message(v, 403, "Not yours", "This commitment's commentary is written by its owner and "
                                                "reviewed by analysts.", back="/commentary")
        area, c = pair
        e = workflow.entry(v.db, cid, quarter)
        summary = [("Owner", c.who), ("State", _state_words(e.state if e else None))]
        if e and e.note:
            summary.append(("Changes asked for", e.note))
        if e and e.approved_text:
            when = str(e.approved_at)[:16].replace("T", " ")
            summary.append(("Approved text (what the quarterly update prints)",
                            f"{e.approved_text} (approved by {e.approved_by}, {when})"))
        history = [[{"text": h["at"][:16].replace("T", " ")}, {"text": h["by"]}, {"text": _state_words(h["state"])},
                    {"text": h["note"] or h["text"]}] for h in workflow.history(v.db, cid, quarter)]
        html = env.get_template("commentary_item.html").render(
            **frame(v), root="/", page_title=f"Commentary: {c.text}", breadcrumbs=[],
            commitment=c, priority=area.title, quarter=quarter,
            summary=[{"key": {"text": k}, "value": {"text": t}} for k, t in summary],
            current=e.text if e else "", draft=draft if draft is not None else (e.text if e else ""),
            may_write=may_write,
            may_submit=may_write and e is not None and e.state in (workflow.DRAFT, workflow.CHANGES),
            may_review=may_review and e is not None and e.state == workflow.SUBMITTED,
            history=history, error=error, error_field=error_field)
        return HTMLResponse(html, status_code=status)

    @app.get("/commentary/{cid}", response_class=HTMLResponse)
    def commentary_item(request: Request, cid: str, quarter: str = "") -> Response:
        """One commitment's commentary this quarter: its text, state, history, and the forms the account may use."""
        v = visit(request)
        try:
            user = signed_in(request, v, True)
        except _ToLogin as go:
            return go.response()
        qs = quarters()
        return commentary_page(v, user, cid, quarter if quarter in qs else qs[0])

    @app.post("/commentary/{cid}")
    async def commentary_change(request: Request, cid: str) -> Response:
        """Save, submit, approve or ask for changes (CSRF checked; the workflow asks `can`)."""
        form = await _form(request)
        v = visit(request)
        if v.user is None:
            return RedirectResponse("/login", status_code=303)
        if not sess.check_csrf(settings.secret, v.token, form.get("csrf")):
            return message(v, 403, "Form expired", "The form had expired or came from elsewhere; nothing was "
                                                   "changed. Open the page again.", back=f"/commentary/{cid}")
        quarter, action = form.get("quarter", ""), form.get("action", "")
        if quarter not in quarters():
            return message(v, 400, "No such quarter", f"{quarter} is not a quarter open for commentary.",
                           back="/commentary")
        where = commentary_where()
        try:
            if action == "save":
                workflow.write(v.db, v.user, where, cid, quarter, form.get("text", ""))
            elif action == "submit":
                text = form.get("text", "")
                e = workflow.entry(v.db, cid, quarter)
                if text.strip() and (e is None or text.strip() != e.text):
                    workflow.write(v.db, v.user, where, cid, quarter, text)
                workflow.submit(v.db, v.user, where, cid, quarter)
            elif action == "approve":
                workflow.approve(v.db, v.user, where, cid, quarter)
            elif action == "request_changes":
                workflow.request_changes(v.db, v.user, where, cid, quarter, form.get("note", ""))
            else:
                return message(v, 400, "Nothing to do", "Choose save, submit, approve or ask for changes.",
                               back=f"/commentary/{cid}")
        except Refused as exc:
            return message(v, 403, "Not yours", str(exc).capitalize() + ".", back="/commentary")
        except BadInput as exc:
            fields = {"text": "text", "note": "note"}
            return commentary_page(v, v.user, cid, quarter, error=exc.message, error_field=fields.get(
                exc.field or "", "text"), draft=form.get("text"), status=400)
        return RedirectResponse(f"/commentary/{cid}?quarter={quote(quarter)}", status_code=303)

    # -- administration -----------------------------------------------------------------------
    @app.get("/audit", response_class=HTMLResponse)
    def audit(request: Request) -> Response:
        """The latest audit entries (administrators only)."""
        v = visit(request)
        try:
            user = signed_in(request, v, True)
        except _ToLogin as go:
            return go.response()
        if not can(user, Action.MANAGE_USERS, None, commentary_where()):
            return message(v, 403, "Not for your account", "The audit log is for administrators.")
        rows = [[{"text": e["at"][:19].replace("T", " ")}, {"text": e["who"]}, {"text": e["action"]},
                 {"text": e["target"]}] for e in v.db.latest_audit(200)]
        html = env.get_template("audit.html").render(**frame(v), root="/", page_title="Audit log",
                                                     breadcrumbs=[], rows=rows)
        return HTMLResponse(html)

    # last: its address pattern would take /commentary/<id> and /audit/... for a period
    app.add_api_route("/{period}/{path:path}", data, methods=["GET"])
    return app


class _ToLogin(Exception):
    """Not signed in, on a page: go to the sign-in form, then back."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path

    def response(self) -> Response:
        return RedirectResponse(f"/login?next={quote(self.path)}", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form's fields (the last value of each), at most 64 KB."""
    body = await request.body()
    if len(body) > 65_536:
        return {}
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def _scope_words(user: User) -> str:
    """An account's scope as a reader says it: "the whole force", "North LPA", "Harrowby district"."""
    if user.scope.kind == "force":
        return "the whole force"
    return f"{user.scope.name} {'LPA' if user.scope.kind == 'lpa' else 'district'}"


def _local(path: str) -> str:
    """A redirect target kept on this site: a path starting with one slash, else the home page."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _page(results: Results, path: str) -> Page | None:
    """A site page of these (already scoped) results, or a district's scorecard."""
    page = page_at(results, path, "internal")
    if page is None and path.startswith("area/"):
        name = _area_named(results, path)
        if name is not None:
            page = _district_page(results, name)
    return page


def _area_named(results: Results, path: str) -> str | None:
    """The LPA or district an area/<slug>.html address names, or None."""
    wanted = path.removeprefix("area/").removesuffix(".html")
    areas = results.context.areas
    names = lpas(results) + ([str(d) for d in areas["district"].unique()] if not areas.empty else [])
    return next((n for n in names if slug(n) == wanted), None)


def _district_page(results: Results, district: str) -> Page:
    """A district's scorecard: every priority's measures for that district."""
    notes = Footnotes()
    blocks: list[Any] = []
    for number, area in enumerate(results.plan.areas_of_focus, start=1):
        table = performance_table(results, area, notes, name=area.title, level="district", place=district)
        if table is not None:
            table.caption = f"{area.title} in {district}: this year against last year"
            blocks += [Heading(f"{area.number or number}. {area.title}", 2), table]
    if not blocks:
        blocks.append(Paragraph("No measure of this plan is broken down by district."))
    return Page(f"area/{slug(district)}.html", district, blocks, notes, caption="District",
                breadcrumbs=[("Home", "index.html"), ("Areas", "areas.html")])


def _your_areas(results: Results) -> Page:
    """The home page of an account that does not see the force's figures: links to its areas."""
    names = lpas(results)
    t = results.table  # already scoped: only the account's areas have rows
    districts = list(dict.fromkeys(str(a) for a in t.area[t.area_level == "district"]))
    items = [(n, f"area/{slug(n)}.html") for n in names + [d for d in districts if d not in names]]
    blocks: list[Any] = [Paragraph("Your account shows your own area's figures. The force's figures are not "
                                   "shown to accounts scoped to one area under this plan."),
                         {"kind": "links", "level": 2, "title": "Your areas", "title_path": None, "text": "",
                          "items": items}]
    return Page("index.html", results.plan.title, blocks,
                lead=f"Your area's figures to {results.to_month:%B %Y}.")


def _downloads_page(results: Results, user: User, where: AccessMap) -> Page:
    """This period's reports in every format and edition (whole-force accounts), and the results export."""
    blocks: list[Any] = [Paragraph("The same figures as these pages, as reports to read, print or analyse. "
                                   "The internal edition shows every figure; the public edition withholds small "
                                   "numbers as the published reports do.")]
    if user.scope.kind == "force" and can(user, Action.DOWNLOAD, where.force, where):
        rows = []
        for kind in _report_kinds(results):
            for edition in EDITIONS:
                stem = f"{_stem(results)}-{kind}-{edition}"
                rows.append([Cell(f"{kind.capitalize()} report, {edition} edition")]
                            + [Cell(s.lstrip(".").upper(), field=f"link:downloads/{stem}{s}") for s in FORMATS])
        blocks.append(Table("Reports", ["Report", *[s.lstrip(".").upper() for s in FORMATS]], rows,
                            caption=f"Reports for {results.to_month:%B %Y}"))
    else:
        blocks.append(Paragraph("Whole-force reports are for accounts that see the whole force."))
    blocks += [Heading("Figures", 2), {"kind": "link", "text": "Results export for your areas (CSV)",
                                       "path": "downloads/results.csv"},
               {"kind": "link", "text": "Results export for your areas (JSON)", "path": "results.json"}]
    return Page("downloads.html", "Downloads", blocks, breadcrumbs=[("Home", "index.html")])


def _report_kinds(results: Results) -> list[str]:
    """The reports a period has: monthly; quarterly when the month ends a quarter and the plan has commitments."""
    kinds = ["monthly"]
    if last_quarter_end(results.to_month) == results.to_month and results.plan.commitments():
        kinds.append("quarterly")
    return kinds


def _stem(results: Results) -> str:
    return f"{results.plan.id}-{results.to_month:%Y-%m}"


def _report_name(results: Results, name: str) -> tuple[str, str, str] | None:
    """(kind, edition, suffix) of one of the period's report file names, or None."""
    for kind in _report_kinds(results):
        for edition in EDITIONS:
            for suffix in FORMATS:
                if name == f"{_stem(results)}-{kind}-{edition}{suffix}":
                    return kind, edition, suffix
    return None


def _approved_commentary(db: AccountsDB, results: Results) -> str:
    """The approved commentary of the period's quarter, as the commentary CSV's text, with the plan's
    own file's Most Similar Group rows (msg:<measure>: not commitments, so not in the workflow)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "commentary.csv"
        workflow.export_csv(db, path, financial_quarter(results.to_month))
        text = path.read_text(encoding="utf-8")
    if results.plan.commentary:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in load_commentary(results.plan.commentary, results.plan).values():
            if row.commitment.startswith(MSG_PREFIX):
                writer.writerow([row.commitment, row.quarter, row.text, row.who])
        text += buffer.getvalue()
    return text


def _render_report(results: Results, kind: str, edition: str, suffix: str, commentary: str | None) -> bytes:
    """One report rendered to bytes (the quarterly with the approved commentary)."""
    with tempfile.TemporaryDirectory() as folder:
        csv_path = None
        if commentary is not None:
            csv_path = Path(folder) / "commentary.csv"
            csv_path.write_text(commentary, encoding="utf-8")
        document = build_document(kind, results, edition=edition, commentary=csv_path)
        return render(document, Path(folder) / f"report{suffix}").read_bytes()


def _export_csv(results: Results) -> bytes:
    """The (scoped) results table as the export's CSV, written as `crimeplan compute --out` writes it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.csv"
        write_results(results.table, path)
        return path.read_bytes()


def _export_json(results: Results) -> str:
    """The (scoped) results table as JSON records, with the lineage."""
    rows = json.loads(results.table.to_json(orient="records", date_format="iso"))
    return json.dumps({"lineage": lineage_of(results), "rows": rows}, default=str)


STATE_WORDS = {None: "Not started", workflow.DRAFT: "Draft", workflow.SUBMITTED: "Submitted for approval",
               workflow.CHANGES: "Changes asked for", workflow.APPROVED: "Approved"}
STATE_COLOURS = {None: "grey", workflow.DRAFT: "yellow", workflow.SUBMITTED: "blue", workflow.CHANGES: "orange",
                 workflow.APPROVED: "green"}


def _state_words(state: str | None) -> str:
    return STATE_WORDS.get(state, str(state))


def _state_tag(state: str | None) -> Markup:
    return Markup('<strong class="govuk-tag govuk-tag--{}">{}</strong>').format(
        STATE_COLOURS.get(state, "grey"), _state_words(state))


def _changes(results: Results, runs: Runs) -> Page:
    """What changed since the previous month's stored results: each measure's figure, assessment,
    variation and aspiration then and now."""
    before_month = add_months(results.to_month, -1)
    before = runs.results(before_month)
    crumbs = [("Home", "index.html")]
    title = "What changed since last month"
    if before is None:
        return Page("changes.html", title, [Paragraph(
            f"No results for {before_month:%B %Y} are stored, so there is nothing to compare with. An analyst "
            f"makes them by running: crimeplan compute --to {before_month:%Y-%m}")], breadcrumbs=crumbs)
    rows, changed = [], []
    for _, m in results.plan.measures():
        now, then = _headline(results, m.id), _headline(before, m.id)
        if now is None and then is None:
            continue
        words = []
        if (now or {}).get("assessment_text") != (then or {}).get("assessment_text"):
            words.append("assessment")
        if _icon(results, m.id) != _icon(before, m.id):
            words.append("variation")
        if (now or {}).get("aspiration_met") != (then or {}).get("aspiration_met"):
            words.append("aspiration")
        if words:
            changed.append(f"{m.label}: {', '.join(words)} changed")
        rows.append([Cell(m.label, field=f"link:measure/{m.id}.html"),
                     _figure_cell(before, m.id, then, False), Cell((then or {}).get("assessment_text") or "–"),
                     Cell(ICON_TEXT.get(_icon(before, m.id) or "", "No chart")),
                     _figure_cell(results, m.id, now, True), Cell((now or {}).get("assessment_text") or "–"),
                     Cell(ICON_TEXT.get(_icon(results, m.id) or "", "No chart")),
                     Cell(", ".join(words).capitalize() if words else "No change of state",
                          style="strong" if words else "muted")])
    blocks: list[Any] = [Paragraph(
        f"Each measure in the reports for {before_month:%B %Y} and {results.to_month:%B %Y}, at force level: "
        "the figure, whether the change against last year is significant, and the latest month's variation. "
        "Figures move every month as the 12-month window rolls; what matters is a change of state.")]
    blocks.append(BulletList([(t, []) for t in changed], title="Changes of state") if changed else
                  Paragraph("No measure changed its assessment, variation or aspiration status."))
    blocks.append(Table("Changes", ["Measure", f"{before_month:%b %Y}", "Assessment", "Variation",
                                    f"{results.to_month:%b %Y}", "Assessment", "Variation", "What changed"], rows,
                        caption=f"Each measure in the {before_month:%B %Y} and {results.to_month:%B %Y} results"))
    return Page("changes.html", title, blocks, breadcrumbs=crumbs,
                lead=f"The results to {results.to_month:%B %Y} against those to {before_month:%B %Y}.")


def _headline(results: Results, measure_id: str) -> dict[str, Any] | None:
    """A measure's force row of its first window, with its assessment in words, or None."""
    t = results.table
    rows = t[(t.measure_id == measure_id) & (t.area_level == "force")]
    if rows.empty:
        return None
    rec: dict[str, Any] = {str(k): v for k, v in rows.iloc[0].to_dict().items()}
    rec["assessment_text"] = assessment(rec)[0]
    return rec


def _icon(results: Results, measure_id: str) -> str | None:
    chart = results.chart(measure_id, "monthly")
    return chart.icon if chart is not None else None


def _figure_cell(results: Results, measure_id: str, rec: dict[str, Any] | None, this_period: bool) -> Cell:
    """A force figure of the changes table, right-aligned as a figure; this period's names its results
    row (the hooks the site's tables carry), so a reader's check against the export can find it."""

    value = None if rec is None or fmt.missing(rec.get("current_value")) else float(rec["current_value"])
    hooks: dict[str, Any] = {}
    if this_period and rec is not None:
        hooks = {"measure_id": measure_id, "field": "current_value", "row": row_of(rec)}
    return Cell(_figure_text(results, measure_id, rec), value, **hooks)


def _figure_text(results: Results, measure_id: str, rec: dict[str, Any] | None) -> str:

    if rec is None:
        return "Not available"
    m = results.plan.measure(measure_id)
    return fmt.figure(rec.get("current_value"), m.unit, m.decimals)
