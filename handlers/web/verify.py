"""`GET /verify/<code>`: anyone holding a paper checks that it is genuine and current.

The page names the paper, its number, date, issuing body and SHA-256, and whether a newer
version replaced it; of the person it shows initials only. An unknown code is a 404.

Each check is in the audit log: the first 16 hex digits of the code's SHA-256 (never the
code, which opens the page) and what it found. The access log writes the same digest in
the code's place.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from typing import Protocol

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from flows.messages import Text
from flows.paper import PaperCheck
from handlers.l10n import Localizer

PATH = "/verify/{code}"
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
PAGE_LANGUAGES = ("kk", "ru")
PREFIX = "/verify/"
FOUND, REPLACED, UNKNOWN = "found", "replaced", "unknown"  # what a check found


class PaperChecks(Protocol):
    async def check(self, code: str) -> PaperCheck | None: ...
    async def record_check(self, code_digest: str, result: str,
                           registry_number: str) -> None: ...


def code_digest(code: str) -> str:
    """What the logs keep of a code: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def masked_path(path: str) -> str:
    """A request's path with a verification code replaced by its digest."""
    if not path.startswith(PREFIX):
        return path
    return f"{PREFIX}#{code_digest(path[len(PREFIX):])}"


class AccessLog(AbstractAccessLogger):
    """aiohttp's access log without secrets or personal data: the method, the path (a
    verification code replaced by its digest), the status, the size and the time; no
    address, no query, no headers."""

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse,
            time: float) -> None:
        self.logger.info("%s %s %s %s %.3fs", request.method, masked_path(request.path),
                         response.status, response.body_length, time)


def browser_language(header: str) -> str:
    """The first of the page's languages the reader's browser asks for ("ru-RU,ru;q=0.9"
    gives "ru"), in the order given; Kazakh when it asks for none of them. The QR code
    carries no language: the inspector's phone says which."""
    for item in header.split(","):
        wanted = item.split(";")[0].strip().split("-")[0].lower()
        if wanted in PAGE_LANGUAGES:
            return wanted
    return "kk"


class VerifyPage:
    def __init__(self, checks: PaperChecks, l10n: Localizer) -> None:
        self.checks, self.l10n = checks, l10n

    def install(self, app: web.Application) -> None:
        app.router.add_get(PATH, self.show)
        for bare in ("/verify", "/verify/"):  # a QR reader that lost the code: "not found"
            app.router.add_get(bare, self.show)

    async def show(self, request: web.Request) -> web.Response:
        language = request.query.get("lang") or browser_language(
            request.headers.get("Accept-Language", ""))
        language = language if language in PAGE_LANGUAGES else "kk"
        code = request.match_info.get("code", "")
        found = await self.checks.check(code) if CODE_RE.match(code) else None
        result = UNKNOWN if found is None else REPLACED if found.replaced else FOUND
        await self.checks.record_check(code_digest(code), result,
                                       found.registry_number if found else "")
        if found is None:
            return self._page(language, Text("verify-unknown"), status=404)
        status = Text("verify-valid") if not found.replaced else \
            Text("verify-replaced-by", {"date": found.replaced_on, "registry": found.replaced_by}) \
            if found.replaced_on and found.replaced_by else Text("verify-replaced")
        details = Text("verify-details", {
            "kind": Text(f"issued-kind-{found.kind}"), "number": found.registry_number,
            "date": found.issued_on, "body": Text(f"body-{found.body}"),
            "initials": found.initials or "—", "sha256": found.sha256, "status": status})
        return self._page(language, details)

    def _page(self, language: str, body: Text, status: int = 200) -> web.Response:
        def say(text: Text) -> str:
            return html.escape(self.l10n.render(text, language))

        switch = " · ".join(
            f'<a href="?lang={other}">{say(Text(f"language-{other}"))}</a>'
            for other in PAGE_LANGUAGES if other != language)
        lines = "".join(f"<p>{line}</p>" for line in say(body).splitlines() if line)
        page = (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{say(Text('verify-title'))}</title></head>"
                f"<body><h1>{say(Text('verify-title'))}</h1>{lines}<p>{switch}</p></body></html>")
        return web.Response(text=page, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
