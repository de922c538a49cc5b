"""Who may drive the pages: only the browser that opened the address the server printed.

An office PC runs other pages in the same browser; any of them could send requests to
``http://127.0.0.1:8765``. Four checks, each enough against a page from elsewhere, all on
every request (issue #16, docs/web.md):

1. the Host header names this machine (a rebound DNS name pointing at 127.0.0.1 is refused);
2. a random per-start token: the printed address carries ``?token=…``, which is exchanged
   for an HttpOnly, SameSite=Strict cookie (and dropped from the address bar); no cookie, no page;
3. ``Sec-Fetch-Site`` (sent by every current browser) must not be ``cross-site`` or
   ``same-site`` — a page on another port of 127.0.0.1 is *same-site* and would otherwise
   carry the cookie;
4. a POST must come from this origin (``Origin``, or ``Referer`` when a browser omits
   ``Origin``) and carry the CSRF token of the form (:func:`check_csrf`).

The package's CSS and script (``/static``) are served without the token so that the refusal
pages look right; they hold nothing private.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.responses import RedirectResponse, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_PARAM = "token"
CSRF_FIELD = "csrf"
ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost"})
PUBLIC_PREFIX = "/static/"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# our own pages: every script and style from /static, nothing inline
APP_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
# gapcheck's own report pages (report.html, diff.html, survey.html) carry inline CSS and
# SVG and no script: shown in a sandbox that could not run one anyway
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox allow-popups"
)
SECURITY_HEADERS = (
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"x-content-type-options", b"nosniff"),
    # not "no-referrer": with it, browsers send "Origin: null" on our own form posts
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

NO_TOKEN = (
    "このページを開くには、gapcheck serve を起動したときに表示されたアドレス"
    "（?token=… の付いたもの）をブラウザで開いてください。サーバーを起動し直したときは、"
    "新しく表示されたアドレスを使います。"
)
CROSS_ORIGIN = (
    "別のサイトやページからの操作は受け付けません（このパソコンの gapcheck を守るためです）。"
    "gapcheck serve が表示したアドレスを開き、gapcheck のページから操作してください。"
)
BAD_HOST = (
    "このアドレスでは使えません。gapcheck serve が表示した http://127.0.0.1:… のアドレスを"
    "開いてください。"
)
BAD_CSRF = (
    "フォームの確認用の値が合いません。サーバーを起動し直した後の古いページから送った可能性が"
    "あります。gapcheck serve が表示したアドレスを開き直して、もう一度操作してください。"
)


def new_token() -> str:
    """A fresh per-start token (192 random bits)."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Keys:
    """The per-start secret and what is derived from it."""

    token: str

    @property
    def cookie_name(self) -> str:
        # per server: two servers on two ports of one machine share the browser's cookies
        return "gapcheck-" + hashlib.sha256(self.token.encode()).hexdigest()[:12]

    @property
    def csrf(self) -> str:
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()

    def token_ok(self, value: str | None) -> bool:
        return value is not None and secrets.compare_digest(value.encode(), self.token.encode())

    def csrf_ok(self, value: object) -> bool:
        return isinstance(value, str) and secrets.compare_digest(value.encode(), self.csrf.encode())


class Refused(Exception):
    """A request refused for safety or bad input: ``status`` and a Japanese ``message``."""

    def __init__(self, status: int, message: str, title: str = "受け付けられません"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title


def check_csrf(keys: Keys, form: Any) -> None:
    """Raise :class:`Refused` (403) unless ``form`` carries this server's CSRF token."""
    if not keys.csrf_ok(form.get(CSRF_FIELD)):
        raise Refused(403, BAD_CSRF, "送信を受け付けられません")


RefusalPage = Callable[[int, str, str], Response]


class Guard:
    """ASGI middleware applying the checks above and the security headers to every response.

    ``page(status, title, message)`` renders a refusal (the application's error page).
    """

    def __init__(self, app: ASGIApp, keys: Keys, page: RefusalPage):
        self.app = app
        self.keys = keys
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        path: str = scope.get("path", "/")
        refusal = self._check(scope, headers, path)
        response: Response | None = None
        if refusal is not None:
            response = self.page(*refusal)
        else:
            response = self._exchange_token(scope, path)
        if response is not None:
            await response(scope, receive, _with_headers(send, path))
            return
        await self.app(scope, receive, _with_headers(send, path))

    def _check(
        self, scope: Scope, headers: dict[str, str], path: str
    ) -> tuple[int, str, str] | None:
        host = headers.get("host", "")
        if _hostname(host) not in ALLOWED_HOSTS:
            return 400, "アドレスが違います", BAD_HOST
        if headers.get("sec-fetch-site", "") in ("cross-site", "same-site"):
            return 403, "送信を受け付けられません", CROSS_ORIGIN
        if scope["method"] not in SAFE_METHODS and not _same_origin(headers, host):
            return 403, "送信を受け付けられません", CROSS_ORIGIN
        if path.startswith(PUBLIC_PREFIX) and scope["method"] in SAFE_METHODS:
            return None
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if TOKEN_PARAM in query:
            return (
                None
                if self.keys.token_ok(query[TOKEN_PARAM])
                else (403, "トークンが違います", NO_TOKEN)
            )
        cookie = _cookies(headers).get(self.keys.cookie_name)
        if not self.keys.token_ok(cookie):
            return 403, "アドレスを開き直してください", NO_TOKEN
        return None

    def _exchange_token(self, scope: Scope, path: str) -> Response | None:
        """The printed address: set the cookie and show the same page without the token."""
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if not any(k == TOKEN_PARAM for k, _ in pairs):
            return None
        rest = urlencode([(k, v) for k, v in pairs if k != TOKEN_PARAM])
        response = RedirectResponse(path + (f"?{rest}" if rest else ""), status_code=303)
        response.set_cookie(
            self.keys.cookie_name, self.keys.token, httponly=True, samesite="strict", path="/"
        )
        return response


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host


def _same_origin(headers: dict[str, str], host: str) -> bool:
    """The request comes from one of our own pages (the server speaks plain http)."""
    ours = f"http://{host}"
    origin = headers.get("origin")
    if origin is not None:
        return origin == ours
    referer = headers.get("referer")
    return referer is not None and (referer == ours or referer.startswith(ours + "/"))


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is no cookie
        return {}
    return {k: m.value for k, m in jar.items()}


def _with_headers(send: Send, path: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            raw = list(message.get("headers", []))
            present = {k.lower() for k, _ in raw}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            if b"content-security-policy" not in present:
                extra.append((b"content-security-policy", APP_CSP.encode()))
            if b"cache-control" not in present and not path.startswith(PUBLIC_PREFIX):
                extra.append((b"cache-control", b"no-store"))
            message["headers"] = raw + extra
        await send(message)

    return wrapped


__all__ = [
    "ALLOWED_HOSTS",
    "APP_CSP",
    "BAD_CSRF",
    "BAD_HOST",
    "CROSS_ORIGIN",
    "CSRF_FIELD",
    "NO_TOKEN",
    "PUBLIC_PREFIX",
    "REPORT_CSP",
    "SAFE_METHODS",
    "SECURITY_HEADERS",
    "TOKEN_PARAM",
    "ASGIApp",
    "Guard",
    "Keys",
    "Message",
    "Receive",
    "RefusalPage",
    "Refused",
    "Scope",
    "Send",
    "check_csrf",
    "new_token",
]
