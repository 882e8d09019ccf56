"""`/console`: the staff web console on the bot's HTTP server (issue 17).

Server-rendered (Jinja2, imported with the first page: a bot whose staff work from Telegram
never holds it), with htmx (served from here, no CDN) for
the chat's partial updates. Every word comes from `locales/` in the staff member's language
(kk or ru, switched in the header and kept in the session). What a step allows, the next
legal date and what the card shows come from `flows/`; a step is taken and a reply sent by
the same desk path as in the Telegram topic (`Acts`).

URLs (all under /console):
  GET  /signin/<token>      the one-time link from the bot: opens a session
  GET  /signin              how to get a link (also where an expired session lands)
  POST /signout
  POST /lang                the header's language switch
  GET  /                    the open applications: ?service= &status= &body= &due=today|
                            overdue|due &q= &page=
  GET  /export.csv          the same rows (same filters), all pages
  GET  /today               the day's digest
  GET  /a/<id>              an application: card, documents, papers, history, audit, chat,
                            and the forms of its allowed steps
  GET  /a/<id>/doc/<doc>    a document (audited), GET /a/<id>/paper/<paper> an issued paper
  GET  /a/<id>/chat         the chat, as a fragment; ?since=: its new messages only (htmx
                            adds them every 10 s)
  POST /a/<id>/act/<action> a step, with its inputs
  POST /a/<id>/reply        a reply to the citizen
  GET  /me, POST /me        the name and position one signs papers with
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import math
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from aiohttp import web
from multidict import MultiMapping

from flows.calendar import KZ_TZ, OFFICE_OPEN, subtract_working_days
from flows.catalogue import body_label_id, body_short_id
from flows.common import CATALOGUE
from flows.dates import next_term
from flows.menu import status_id
from flows.messages import Arg, OutgoingMessage, Text
from flows.payloads import CardAction, unpack
from flows.procedure import OPEN, Snapshot, card, due_by
from flows.service import Checklist, ProcedureStep, Service, Typed
from flows.services import SERVICES
from flows.staff_input import parse_official_name, parse_position, tidy
from flows.validators import Invalid
from handlers.l10n import Localizer

if TYPE_CHECKING:
    import jinja2
from handlers.web.console.ports import (
    Acts,
    ChatEntry,
    ConsoleAuth,
    ConsoleData,
    DigestData,
    OfficialNames,
    StaffCheck,
    StaffSession,
)

log = logging.getLogger(__name__)

PREFIX = "/console"
COOKIE = "console_session"
ALIVE = f"{PREFIX}/alive"  # where typing (or "keep working") tells that the person is at work
LEFT = f"{PREFIX}/left"  # where the page asks, unseen, how long its session has left
WARN_BEFORE = timedelta(minutes=2)  # the warning before an idle session ends (WCAG 2.2.1)
LANGUAGES = ("kk", "ru")
PAGE_SIZE = 50
HEAD, OFFICER, VIEWER = "head", "officer", "viewer"
DUE_FILTERS = ("today", "overdue", "due")
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self'; object-src 'none'; frame-src 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
}
# The request's StaffSession, set by the middleware.
SESSION_KEY = web.RequestKey("console.session", StaffSession)
INLINE = ("image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _secure_headers(response: web.StreamResponse) -> None:
    """The console's headers; a file served as itself keeps its own (stricter) policy."""
    for name, value in SECURITY_HEADERS.items():
        if name == "Content-Security-Policy":
            response.headers.setdefault(name, value)
        else:
            response.headers[name] = value


@dataclass
class ActionForm:
    """One allowed step on the application page: its inputs, as the service declares them."""

    action: str
    step: ProcedureStep
    checklist: list[dict[str, Any]] = field(default_factory=list)
    typed: list[dict[str, Any]] = field(default_factory=list)
    offer: dict[str, str] | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def error_lines(self) -> list[tuple[str, str]]:
        """Its errors with their element ids: its fields are described by them."""
        return [(f"act-{self.action}-error-{at}", error)
                for at, error in enumerate(self.errors, start=1)]

    @property
    def error_ids(self) -> str:
        """The value of its fields' aria-describedby."""
        return " ".join(id_ for id_, _error in self.error_lines)


def _signature_typed(form: MultiMapping[Any]) -> dict[str, str]:
    """What was typed on the signature page, kept to be shown again."""
    return {name: str(form.get(name, ""))[:1000]
            for name in ("full_name", "position_kk", "position_ru")}


# The day's page lists the most overdue first, this many; the list filtered to "due" has all.
TODAY_SHOWN = 50
# How long a "yes, staff" from the Bot API is trusted by a page's own refresh (the chat's,
# every 10 s): a person's request always asks again, so one removed from the staff group
# reads nothing more from their next click, and from an open page within this time.
STAFF_TRUSTED = timedelta(seconds=60)


class Console:
    """The console's pages, as an aiohttp sub-application mounted at /console."""

    def __init__(self, auth: ConsoleAuth, data: ConsoleData, acts: Acts, digest: DigestData,
                 l10n: Localizer, *, clock: Callable[[], datetime], public_base_url: str = "",
                 default_language: str = "kk", gate: StaffCheck | None = None,
                 officials: OfficialNames | None = None) -> None:
        self.auth, self.data, self.acts, self.digest = auth, data, acts, digest
        self.officials = officials  # the names and positions papers are signed with
        self.gate = gate  # asked again at every request of a person (`_still_staff`)
        self._staff_seen: dict[int, datetime] = {}  # user id: when the gate last said yes
        self.l10n, self.clock = l10n, clock
        self.secure = public_base_url.startswith("https://")
        self.default_language = default_language if default_language in LANGUAGES else "kk"

    # ------------------------------------------------------------------ wiring
    def install(self, server: web.Application) -> None:
        async def to_list(_request: web.Request) -> web.StreamResponse:
            response = web.HTTPFound(f"{PREFIX}/")
            _secure_headers(response)
            raise response

        server.router.add_get(PREFIX, to_list)
        server.add_subapp(PREFIX, self.application())

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._headers, self._signed_in])
        routes = app.router
        routes.add_get("/signin/{token}", self.signin)
        routes.add_get("/signin", self.signin_page)
        routes.add_post("/signout", self.signout)
        routes.add_post("/lang", self.language)
        routes.add_post("/alive", self.timer)
        routes.add_get("/left", self.timer)
        routes.add_get("/", self.listing)
        routes.add_get("/export.csv", self.export)
        routes.add_get("/today", self.today_page)
        routes.add_get("/a/{id}", self.application_page)
        routes.add_get("/a/{id}/chat", self.chat)
        routes.add_get("/a/{id}/doc/{doc}", self.document)
        routes.add_get("/a/{id}/paper/{paper}", self.paper)
        routes.add_post("/a/{id}/act/{action}", self.act)
        routes.add_post("/a/{id}/reply", self.reply)
        if self.officials is not None:
            routes.add_get("/me", self.signature_page)
            routes.add_post("/me", self.save_signature)
        routes.add_static("/static", STATIC, append_version=False)
        return app

    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            _secure_headers(error)
            raise
        _secure_headers(response)
        return response

    @web.middleware
    async def _signed_in(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every page but sign-in and the static files needs a live session; without one the
        answer is the sign-in page, whatever the URL names (nothing leaks of an id)."""
        if request.path.startswith((f"{PREFIX}/signin", f"{PREFIX}/static/")) or \
                request.match_info.http_exception is not None:
            return await handler(request)
        key = request.cookies.get(COOKIE, "")
        background = _background(request)
        # a page's own refresh reads the session without restarting its idle time
        session = await self.auth.session(key, self.clock(), touch=not background) \
            if key else None
        if session is None:
            if request.path in (ALIVE, LEFT):  # the page says so, and stays (what is typed too)
                return self._render(request, "session_timer.html",
                                    {"ended": "typed" if request.path == ALIVE else "idle"})
            if request.headers.get("HX-Request"):
                return web.Response(status=401, headers={"HX-Redirect": f"{PREFIX}/signin"})
            raise web.HTTPSeeOther(f"{PREFIX}/signin?expired=1" if key else f"{PREFIX}/signin")
        staff = await self._still_staff(session.user_id,
                                        trust_recent=background or request.path == ALIVE)
        if staff is None:  # not known now: nothing shown, the session stays
            if request.headers.get("HX-Request"):
                return web.Response(status=503)  # the refresh tries again in 10 s
            return self._notice(request, session.language, "console-staff-unknown",
                                request.path_qs if request.method == "GET" else f"{PREFIX}/",
                                status=503)
        if not staff:
            await self._deny(session)
            if request.headers.get("HX-Request"):
                return web.Response(status=401, headers={"HX-Redirect": f"{PREFIX}/signin"})
            return self._notice(request, session.language, "staff-not-allowed",
                                f"{PREFIX}/signin", status=403)
        request[SESSION_KEY] = session
        if request.method == "POST":
            form = await request.post()
            if not secrets.compare_digest(str(form.get("csrf", "")), session.csrf):
                log.warning("console: a POST with another session's or no CSRF token refused")
                return await self._stale(request, form)
        return await handler(request)

    async def _still_staff(self, user_id: int, *, trust_recent: bool = False) -> bool | None:
        """Whether the gate says they are staff now; `trust_recent`: a yes of the last
        STAFF_TRUSTED will do (a page's own refresh, not to ask Telegram every 10 s).
        None: the Bot API could not be asked, and no recent yes stands in for it."""
        if self.gate is None:
            return True
        now = self.clock()
        seen = self._staff_seen.get(user_id)
        recent = seen is not None and timedelta(0) <= now - seen < STAFF_TRUSTED
        if trust_recent and recent:
            return True
        try:
            allowed = await self.gate.allows(user_id)
        except Exception:  # Telegram unreachable or refusing: no personal data on a guess
            log.warning("console: could not ask whether user %s is staff", user_id,
                        exc_info=True)
            return True if recent else None
        if allowed:
            self._staff_seen[user_id] = now
        else:
            self._staff_seen.pop(user_id, None)
        return allowed

    async def _deny(self, session: StaffSession) -> None:
        """One no longer staff: their session ends, and the refusal is in the audit log."""
        log.warning("console: user %s is no longer staff; session ended", session.user_id)
        await self.auth.end(session.key, self.clock())
        await self.data.audit(f"telegram:{session.user_id}", "staff.denied", "",
                              {"via": "console"})

    def _notice(self, request: web.Request, language: str, message: str, back: str,
                status: int) -> web.Response:
        """A short page: what happened, in the staff member's language, and a way on."""
        return self._render(request, "notice.html", {"message": message, "back": back},
                            status=status, language=language)

    async def _stale(self, request: web.Request, form: MultiMapping[Any]) -> web.Response:
        """A form of an older session (a tab left open across a new sign-in): nothing is
        done; the page says so, with what was typed kept in its box to be sent again."""
        session = self._session(request)
        old = self._say(session.language)("console-page-old")
        if "action" in request.match_info:
            dossier = await self._dossier(request)
            action = request.match_info["action"]
            failed = ActionForm(action, ProcedureStep(action, (), ""), errors=[old])
            return self._page(request, dossier, failed, form, status=403)
        if request.path.endswith("/reply") and "id" in request.match_info:
            dossier = await self._dossier(request)
            text = str(form.get("text", ""))[:3500]
            if request.headers.get("HX-Request"):
                return self._render(request, "chat.html", {
                    "d": dossier, "reply_error": old, "reply_text": text}, status=403)
            return self._page(request, dossier, reply_error=old, reply_text=text, status=403)
        if request.path == f"{PREFIX}/me":
            return self._render(request, "me.html", {
                "typed": _signature_typed(form), "errors": {"page": old},
                "saved": False, "unset": False}, status=403)
        back = str(form.get("next", ""))
        return self._notice(request, session.language, "console-page-old",
                            back if back.startswith(f"{PREFIX}/") else f"{PREFIX}/",
                            status=403)

    # ------------------------------------------------------------------ helpers
    def _say(self, language: str) -> Callable[..., str]:
        def say(key: str | Text, **args: Arg) -> str:
            text = key if isinstance(key, Text) else Text(key, args)
            return self.l10n.render(text, language)
        return say

    def _render(self, request: web.Request, template: str, context: dict[str, Any],
                status: int = 200, language: str | None = None) -> web.Response:
        session: StaffSession | None = request.get(SESSION_KEY)
        language = language or (session.language if session else
                                self._guest_language(request))
        # "path": where the header's language switch comes back to; a page answering a POST
        # names its own (a GET of a POST-only URL is 405)
        context = {"t": self._say(language), "lang": language, "session": session,
                   "idle_minutes": _minutes(self.auth.idle), **self._timing(session),
                   "languages": LANGUAGES, "prefix": PREFIX,
                   "path": request.path_qs if request.method == "GET" else f"{PREFIX}/",
                   "can_act": session is not None and session.role != VIEWER,
                   "role": session.role if session else "", **context}
        return web.Response(text=_templates().get_template(template).render(context),
                            status=status, content_type="text/html")

    def _timing(self, session: StaffSession | None) -> dict[str, Any]:
        """When the page's timer asks again (seconds), and whether the end is near: the
        warning comes WARN_BEFORE the end, or at three quarters of a shorter idle time."""
        if session is None:
            return {"wait": 0, "warning": False}
        ahead = min(WARN_BEFORE, self.auth.idle / 4)
        left = (session.ends_at - self.clock()).total_seconds()
        warning = left <= ahead.total_seconds()
        return {"wait": max(1, math.ceil(left if warning else left - ahead.total_seconds())),
                "warning": warning}

    def _guest_language(self, request: web.Request) -> str:
        asked = request.query.get("lang", "")
        return asked if asked in LANGUAGES else self.default_language

    def _today(self) -> date:
        return self.clock().astimezone(KZ_TZ).date()

    @staticmethod
    def _session(request: web.Request) -> StaffSession:
        session: StaffSession = request[SESSION_KEY]
        return session

    async def _dossier(self, request: web.Request) -> Any:
        """The application the URL names, or 404 (an unknown id and one this role may not
        see answer alike)."""
        number = _whole(request.match_info["id"])
        session = self._session(request)
        found = await self.data.dossier(number, complaints=session.role == HEAD) \
            if number is not None else None
        if found is None:
            raise web.HTTPNotFound(text=self._say(session.language)("console-not-found"))
        return found

    async def _may_act(self, request: web.Request) -> StaffSession:
        """An officer or a head (that they are staff right now the middleware has asked)."""
        session = self._session(request)
        if session.role == VIEWER:
            log.warning("console: viewer %s tried to act", session.user_id)
            raise web.HTTPForbidden(text=self._say(session.language)("console-viewer-cannot"))
        return session

    # ------------------------------------------------------------------ sign-in
    async def signin(self, request: web.Request) -> web.Response:
        language = self._guest_language(request)
        opened = await self.auth.redeem(request.match_info["token"], language, self.clock())
        if opened is None:
            return self._render(request, "signin.html", {"failed": True, "expired": False},
                                status=401)
        staff = await self._still_staff(opened.user_id)  # asked for, then left the group?
        if not staff:
            if staff is None:
                await self.auth.end(opened.key, self.clock())
            else:
                await self._deny(opened)
            return self._notice(request, language, "console-staff-unknown" if staff is None
                                else "staff-not-allowed", f"{PREFIX}/signin",
                                status=503 if staff is None else 403)
        # A page, not a redirect: a link opened from the messenger is a cross-site navigation,
        # and a SameSite=Strict cookie set on it is sent only by a same-site one after it.
        response = self._render(request, "signed_in.html", {})
        response.set_cookie(COOKIE, opened.key, path=PREFIX, httponly=True,
                            samesite="Strict", secure=self.secure)
        return response

    async def signin_page(self, request: web.Request) -> web.Response:
        return self._render(request, "signin.html",
                            {"failed": False, "expired": "expired" in request.query},
                            status=401 if "expired" in request.query else 200)

    async def signout(self, request: web.Request) -> web.StreamResponse:
        await self.auth.end(self._session(request).key, self.clock())
        response = web.HTTPSeeOther(f"{PREFIX}/signin")
        response.del_cookie(COOKIE, path=PREFIX)
        raise response

    async def timer(self, request: web.Request) -> web.Response:
        """The page's timer, rendered anew (`session_timer.html`). Posted (ALIVE) when a
        person types, a second after each pause, or presses "keep working": they are at work
        though they click nothing else, and the middleware restarted the session's idle time
        (before, a reply typed for half an hour was lost on sending). Asked (LEFT, htmx's GET:
        not a person at work) by the timer near the end: the warning when the end is near,
        else the timer set again (a click elsewhere, a reply sent, moved the end)."""
        return self._render(request, "session_timer.html", {"ended": ""})

    async def language(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        chosen = str(form.get("lang", ""))
        if chosen in LANGUAGES:
            await self.auth.set_language(self._session(request).key, chosen)
        back = str(form.get("next", ""))
        raise web.HTTPSeeOther(back if back.startswith(f"{PREFIX}/") else f"{PREFIX}/")

    # ------------------------------------------------------------------ one's signature
    async def signature_page(self, request: web.Request) -> web.Response:
        session = self._session(request)
        assert self.officials is not None
        entry = await self.officials.signs_as(session.user_id)
        typed = {"full_name": entry.full_name, "position_kk": entry.position_kk,
                 "position_ru": entry.position_ru} if entry else {}
        return self._render(request, "me.html", {
            "typed": typed, "errors": {}, "saved": "saved" in request.query,
            "unset": entry is None})

    async def save_signature(self, request: web.Request) -> web.StreamResponse:
        """Saved only whole: a name, and a position in each language a paper is made in."""
        session = await self._may_act(request)
        assert self.officials is not None
        typed = _signature_typed(await request.post())
        parsers = {"full_name": parse_official_name, "position_kk": parse_position,
                   "position_ru": parse_position}
        say, values, errors = self._say(session.language), {}, {}
        for name, parse in parsers.items():
            try:
                values[name] = parse(typed[name])
            except Invalid as problem:
                errors[name] = say(problem.key, **problem.args)
        if errors:
            return self._render(request, "me.html", {
                "typed": typed, "errors": errors, "saved": False, "unset": False}, status=422)
        await self.officials.save(session.user_id, **values)
        raise web.HTTPSeeOther(f"{PREFIX}/me?saved=1")

    # ------------------------------------------------------------------ the list
    def _filters(self, query: MultiMapping[str], session: StaffSession) -> dict[str, str]:
        services = self._services(session)
        bodies = {body.code for body in CATALOGUE.bodies()}
        wanted = {
            "service": query.get("service", ""), "status": query.get("status", ""),
            "body": query.get("body", ""), "due": query.get("due", ""),
            "q": query.get("q", "").strip()[:64],
        }
        if wanted["service"] not in services:
            wanted["service"] = ""
        if wanted["status"] not in OPEN:
            wanted["status"] = ""
        if wanted["body"] not in bodies:
            wanted["body"] = ""
        if wanted["due"] not in DUE_FILTERS:
            wanted["due"] = ""
        return wanted

    @staticmethod
    def _services(session: StaffSession) -> list[str]:
        return [code for code, service in SERVICES.items()
                if session.role == HEAD or not service.complains_about_application]

    async def _rows(self, request: web.Request, offset: int, limit: int) -> tuple[Any, dict[str,
                                                                                          str]]:
        session = self._session(request)
        wanted = self._filters(request.query, session)
        listing = await self.data.listing(
            self._today(), service=wanted["service"], status=wanted["status"],
            body=wanted["body"], due=wanted["due"], search=wanted["q"], offset=offset,
            limit=limit, complaints=session.role == HEAD)
        return listing, wanted

    async def listing(self, request: web.Request) -> web.Response:
        session = self._session(request)
        asked = _whole(request.query.get("page", "1"))
        page = asked if asked is not None and 0 < asked < 100000 else 1
        listing, wanted = await self._rows(request, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        # what was listed, not the search's words: the audit log is not sealed
        await self.data.audit(f"staff:{session.user_id}", "read.list", "", {
            "rows": listing.total, "page": page, "via": "console", "search": bool(wanted["q"]),
            **{name: value for name, value in wanted.items() if value and name != "q"}})
        pages = max(1, math.ceil(listing.total / PAGE_SIZE))
        today = self._today()
        kept = {name: value for name, value in wanted.items() if value}

        def link(to: int) -> str:
            return f"{PREFIX}/?{urlencode({**kept, 'page': to})}"

        rows = [{"row": row, "mark": _mark(row.next_date, today),
                 "service": Text(f"service-{row.service}"),
                 "body": Text(body_short_id(row.body)),
                 "status": Text(status_id(row.status, row.service))} for row in listing.rows]
        return self._render(request, "list.html", {
            "rows": rows, "total": listing.total, "page": page, "pages": pages,
            "previous": link(page - 1) if page > 1 else "",
            "next": link(page + 1) if page < pages else "",
            "export": f"{PREFIX}/export.csv?{urlencode(kept)}",
            "wanted": wanted, "services": self._services(session), "statuses": OPEN,
            "bodies": [body.code for body in CATALOGUE.bodies()], "dues": DUE_FILTERS,
            "today": today, "short_body": body_short_id, "status_id": status_id,
        })

    async def export(self, request: web.Request) -> web.Response:
        session = self._session(request)
        say = self._say(session.language)
        listing, _wanted = await self._rows(request, 0, 1_000_000)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([say(f"console-col-{name}") for name in
                         ("number", "service", "body", "applicant", "status", "registered",
                          "next-date")])
        for row in listing.rows:
            writer.writerow([row.number, say(f"service-{row.service}"),
                             say(body_label_id(row.body)), row.initials,
                             say(status_id(row.status, row.service)),
                             row.registered_on.strftime("%d.%m.%Y"),
                             row.next_date.strftime("%d.%m.%Y") if row.next_date else ""])
        await self.data.audit(f"staff:{session.user_id}", "read.export", "",
                              {"rows": listing.total, "via": "console"})
        name = f"applications-{self._today().isoformat()}.csv"
        return web.Response(body=("\ufeff" + out.getvalue()).encode("utf-8"),
                            content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": _disposition("attachment", name)})

    # ------------------------------------------------------------------ today
    async def today_page(self, request: web.Request) -> web.Response:
        today = self._today()
        session = self._session(request)
        allowed = set(self._services(session))  # an officer's day has no complaint in it
        opened = [(snapshot, day) for snapshot, day in await self.data.open_snapshots(today)
                  if snapshot.service in allowed]
        due = sorted(due_by(opened, today), key=lambda pair: (pair[1], pair[0].id))
        lines = [{"snapshot": snapshot, "mark": _mark(day, today),
                  "status": Text(status_id(snapshot.status, snapshot.service)),
                  "term": term.marked(today)}
                 for snapshot, day in due[:TODAY_SHOWN]
                 if (term := next_term(snapshot, today)) is not None]
        warnings = [warning for snapshot, _day in opened
                    for warning in SERVICES[snapshot.service].digest_warnings(snapshot, today)]
        since = datetime.combine(subtract_working_days(today, 1), OFFICE_OPEN, KZ_TZ)
        troubles = await self.digest.delivery_troubles(since)
        await self.data.audit(f"staff:{session.user_id}", "read.today", "",
                              {"due": len(due), "via": "console"})
        complaints = [code for code, service in SERVICES.items()
                      if service.complains_about_application] if session.role == HEAD else []
        open_complaints = {code: (await self.data.listing(today, service=code, limit=0)).total
                           for code in complaints}
        return self._render(request, "today.html", {
            "today": today, "lines": lines, "more": len(due) - len(lines),
            "warnings": warnings, "troubles": troubles,
            "interviews": await self.data.interviews_on(today),
            "complaints": {code: count for code, count in open_complaints.items() if count}})

    # ------------------------------------------------------------------ one application
    async def application_page(self, request: web.Request) -> web.Response:
        dossier = await self._dossier(request)
        session = self._session(request)
        await self.data.audit(f"staff:{session.user_id}", "read.card",
                              dossier.snapshot.number, {"via": "console"})
        return self._page(request, dossier)

    def _page(self, request: web.Request, dossier: Any, failed: ActionForm | None = None,
              values: MultiMapping[Any] | None = None, status: int = 200,
              reply_error: str = "", reply_text: str = "") -> web.Response:
        session = self._session(request)
        say = self._say(session.language)
        today = self._today()
        snapshot: Snapshot = dossier.snapshot
        # An anonymised application keeps only a few chosen answers: no card is drawn from
        # them (its sections would miss their values), and no step is taken on it.
        message = OutgoingMessage((Text("console-anonymised"),)) if dossier.anonymised \
            else card(snapshot, today)
        forms = [] if session.role == VIEWER else [
            self._form(snapshot, action, say, failed, values)
            for action in _card_actions(snapshot, message.choices)]
        shown = {form.action for form in forms}
        stray = failed.errors if failed is not None and failed.action not in shown else []
        return self._render(request, "application.html", {
            "d": dossier, "snapshot": snapshot, "parts": message.parts, "forms": forms,
            "stray_errors": stray,
            "today": today, "status_id": status_id, "show_audit": session.role == HEAD,
            "reply_error": reply_error, "reply_text": reply_text,
            "inline": INLINE, "document_label": _document_label(snapshot.service),
            "path": f"{PREFIX}/a/{snapshot.id}",  # also when it answers a step's POST
        }, status=status)

    def _form(self, snapshot: Snapshot, action: str, say: Callable[..., str],
              failed: ActionForm | None, values: MultiMapping[Any] | None) -> ActionForm:
        service = SERVICES[snapshot.service]
        step = service.step(action)
        assert step is not None
        form = ActionForm(action, step)
        mine = failed is not None and failed.action == action
        given: MultiMapping[Any] | None = values if mine else None
        if mine and failed is not None:
            form.errors = failed.errors
        for at, spec in enumerate(step.inputs):
            if isinstance(spec, Checklist):
                for line, entry in enumerate(spec.lines(snapshot)):
                    form.checklist.append({
                        "name": f"line-{line}", "label": say(entry.label),
                        "marks": [(mark, say(f"staff-tick-{mark}", entry=entry.label))
                                  for mark in entry.marks],
                        "chosen": str(given.get(f"line-{line}", "")) if given else "",
                        "prompt": say(spec.prompt, number=snapshot.number)})
            else:
                label = f"console-input-{spec.key}"
                if at == 0 and spec.offer is not None:
                    offer = spec.offer(snapshot)
                    form.offer = {"question": say(offer.question), "label": say(offer.label)}
                form.typed.append({
                    "name": f"input-{spec.key}",
                    "label": say(label) if self.l10n.has(label, "ru") else
                    say(spec.prompt, number=snapshot.number),
                    "optional": spec.optional,
                    "value": str(given.get(f"input-{spec.key}", "")) if given else ""})
        return form

    async def chat(self, request: web.Request) -> web.Response:
        """The chat's list; with ?since= (the page's refresh, its `_chat_mark`) only the
        messages the page does not show yet, or 204 (htmx leaves the page as it is)."""
        dossier = await self._dossier(request)
        if "since" not in request.query:
            return self._render(request, "messages.html", {"d": dossier})
        since = request.query["since"]
        added = _chat_since(dossier.chat, since)
        if added is None:
            raise web.HTTPBadRequest()
        if not added:
            return web.Response(status=204)
        return self._render(request, "messages.html",
                            {"d": dossier, "added": added, "was_empty": not since})

    async def _file(self, request: web.Request, kind: str) -> web.Response:
        dossier = await self._dossier(request)
        session = self._session(request)
        number = _whole(request.match_info[kind])
        found = None
        if number is not None:
            reader = self.data.document if kind == "doc" else self.data.paper
            found = await reader(dossier.snapshot.id, number)
        if found is None:
            raise web.HTTPNotFound(text=self._say(session.language)("console-not-found"))
        await self.data.audit(f"staff:{session.user_id}",
                              "read.document" if kind == "doc" else "read.paper",
                              dossier.snapshot.number,
                              {kind: number, "via": "console"})
        mime = found.mime if found.mime in INLINE else "application/octet-stream"
        disposition = "inline" if mime in INLINE else "attachment"
        return web.Response(body=found.data, content_type=mime, headers={
            "Content-Disposition": _disposition(disposition, found.name),
            # a document opens in its own tab; the console's CSP still forbids scripts in it
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; "
                                       "object-src 'self'; style-src 'unsafe-inline'; "
                                       "frame-ancestors 'none'"})

    async def document(self, request: web.Request) -> web.Response:
        return await self._file(request, "doc")

    async def paper(self, request: web.Request) -> web.Response:
        return await self._file(request, "paper")

    # ------------------------------------------------------------------ actions
    async def act(self, request: web.Request) -> web.StreamResponse:
        session = await self._may_act(request)
        dossier = await self._dossier(request)
        snapshot: Snapshot = dossier.snapshot
        say = self._say(session.language)
        action = request.match_info["action"]
        today = self._today()
        form = await request.post()
        service = SERVICES[snapshot.service]
        offered = () if dossier.anonymised else card(snapshot, today).choices
        if action not in _card_actions(snapshot, offered):
            # Not on the card now: its status does not allow it, or a term no longer does.
            why = service.refusal(action, snapshot, today, {}) \
                if service.allows(action, snapshot.status) and not dossier.anonymised else None
            failed = ActionForm(action, ProcedureStep(action, (), ""), errors=[say(
                why or Text("staff-error-wrong-status", {
                    "number": snapshot.number,
                    "status": Text(status_id(snapshot.status, snapshot.service))}))])
            return self._page(request, dossier, failed, form, status=409)
        step = service.step(action)
        assert step is not None
        details, errors = _details(service, step, snapshot, form, today)
        if not errors and (reason := service.refusal(action, snapshot, today, details)):
            errors.append(reason)
        if errors:
            failed = ActionForm(action, step, errors=[say(error) for error in errors])
            return self._page(request, dossier, failed, form, status=422)
        result = await self.acts.act(snapshot.id, action, details, session.user_id,
                                     session.name)
        if not result.ok:
            why = result.reason or Text(result.error, {
                "number": snapshot.number,
                "status": Text(status_id(snapshot.status, snapshot.service))})
            failed = ActionForm(action, step, errors=[say(why)])
            return self._page(request, await self._dossier(request), failed, form, status=409)
        raise web.HTTPSeeOther(f"{PREFIX}/a/{snapshot.id}#done-{action}")

    async def reply(self, request: web.Request) -> web.StreamResponse:
        session = await self._may_act(request)
        dossier = await self._dossier(request)
        form = await request.post()
        text = tidy(str(form.get("text", "")))[:3500]
        htmx = bool(request.headers.get("HX-Request"))
        if not text:
            error = self._say(session.language)("staff-error-empty")
            if htmx:
                return self._render(request, "chat.html", {"d": dossier, "reply_error": error,
                                                           "reply_text": ""}, status=422)
            return self._page(request, dossier, reply_error=error, status=422)
        await self.acts.reply(dossier.person_id, text, session.user_id, session.name)
        if htmx:
            return self._render(request, "chat.html", {"d": await self._dossier(request),
                                                       "reply_error": "", "reply_text": ""})
        raise web.HTTPSeeOther(f"{PREFIX}/a/{dossier.snapshot.id}#chat")


def _disposition(kind: str, name: str) -> str:
    """A download's name as RFC 6266 gives it: the application's number is Cyrillic, which a
    header cannot carry as it is; an ASCII stand-in first for what reads no other."""
    plain = re.sub(r'[^\x20-\x7e]|["\\]', "_", name)
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def _whole(raw: str) -> int | None:
    """An id or a page number from the URL; None unless ASCII digits ("²" is a digit to
    `str.isdigit`, not to `int`), and not absurdly long."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def _minutes(idle: timedelta) -> int | float:
    minutes = idle.total_seconds() / 60
    return int(minutes) if minutes.is_integer() else round(minutes, 1)


def _background(request: web.Request) -> bool:
    """A request the page makes by itself (htmx's GET: the chat's refresh every 10 s), not
    a person's click; it neither restarts the idle time nor asks Telegram each time."""
    return request.method == "GET" and request.headers.get("HX-Request") == "true"


@functools.cache
def _templates() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=jinja2.select_autoescape(default=True),
                             undefined=jinja2.StrictUndefined)
    env.filters["kz"] = _kz_time
    env.globals["chat_mark"] = _chat_mark
    return env


def _chat_mark(chat: Sequence[ChatEntry]) -> str:
    """Up to where a page's chat goes: its last message's moment (in microseconds) and how
    many messages share it ("" for none). Not a count: the chat shows only the latest ones."""
    if not chat:
        return ""
    last = chat[-1].at
    return f"{_micro(last)}.{sum(1 for entry in chat if entry.at == last)}"


def _chat_since(chat: Sequence[ChatEntry], mark: str) -> list[ChatEntry] | None:
    """The messages after a `_chat_mark`, oldest first; None for a mark that is none."""
    if not mark:
        return list(chat)
    found = re.fullmatch(r"(-?[0-9]{1,20})\.([0-9]{1,6})", mark)
    if found is None:
        return None
    last, seen = int(found[1]), int(found[2])
    return [entry for entry in chat if _micro(entry.at) == last][seen:] + \
        [entry for entry in chat if _micro(entry.at) > last]


def _micro(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


def _kz_time(moment: datetime) -> str:
    """A moment as staff read it: Astana time, DD.MM.YYYY HH:MM."""
    return moment.astimezone(KZ_TZ).strftime("%d.%m.%Y %H:%M")


def _document_label(service: str) -> Callable[[str, int], Text]:
    """A stored file's line: what document it is (as the topic's caption names it), its size."""
    def label(kind: str, size: int) -> Text:
        declared = SERVICES[service].document_of(kind)
        return Text("console-document", {
            "document": Text(f"document-{declared.code if declared else 'other'}"),
            "size": max(1, round(size / 1024))})
    return label


def _mark(day: date | None, today: date) -> str:
    """The row's colour: overdue (red), due today (amber), else none."""
    if day is None:
        return ""
    return "overdue" if day < today else "due-today" if day == today else ""


def _card_actions(snapshot: Snapshot, rows: tuple[tuple[Any, ...], ...]) -> list[str]:
    """The steps the card offers now (flows/procedure.py `card`): its buttons that are steps
    of the service, in the card's order. The conversation with a child and reissuing a paper
    stay on the Telegram side."""
    service = SERVICES[snapshot.service]
    found = []
    for row in rows:
        for choice in row:
            pressed = unpack(choice.payload)
            if isinstance(pressed, CardAction) and service.step(pressed.verb) is not None:
                found.append(pressed.verb)
    return found


def _details(service: Service, step: ProcedureStep, snapshot: Snapshot,
             form: MultiMapping[Any], today: date) -> tuple[dict[str, Any], list[Text]]:
    """What staff entered for the step, read as the Telegram side reads it: a checklist's
    marks (through the checklist's own taps), typed details by their strict parsers."""
    details: dict[str, Any] = {}
    errors: list[Text] = []
    for at, spec in enumerate(step.inputs):
        if isinstance(spec, Checklist):
            entries = spec.lines(snapshot)
            state = 0
            for line in range(len(entries)):
                wanted = str(form.get(f"line-{line}", ""))
                if not wanted:
                    continue
                for _ in range(len(spec.marks) + 1):  # tap until the line shows the mark
                    if spec.mark_of(entries, state, line) == wanted:
                        break
                    state = spec.tap(entries, state, line)
                else:
                    errors.append(Text("staff-button-stale"))
            ticked = spec.ticked(snapshot, state)
            note = step.second
            noted = note is not None and note.optional and \
                bool(str(form.get(f"input-{note.key}", "")).strip())
            if spec.required and not any(ticked.values()) and not noted:
                errors.append(Text("staff-checklist-empty"))
            details.update(ticked)
        elif isinstance(spec, Typed):
            if at == 0 and spec.offer is not None and form.get("offer") == "take":
                details[spec.key] = spec.offer(snapshot).value
                continue
            text = str(form.get(f"input-{spec.key}", "")).strip()
            if not text:
                if not spec.optional:
                    errors.append(Text("staff-error-empty"))
                continue
            try:
                details[spec.key] = spec.parse(text, today)
            except Invalid as error:
                errors.append(Text(error.key, error.args))
    return details, errors
