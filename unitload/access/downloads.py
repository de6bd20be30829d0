"""Exports served only to the browser that asked for them, once, and audited when served.

Streamlit serves a download at `/media/<id>` to whoever asks for that address while the file is kept: it
checks no sign-in, and a second fetch of the address leaves no trace. Here each export is made with an
export id of its own (so its address never repeats, and a file that leaks names its audit record), and
a ticket is issued for it: the browser that asked (its cookies: Streamlit's XSRF cookie and, signed in,
its identity cookie) may take it once. `DownloadGuard`, the ASGI middleware `serve.py` installs in front
of Streamlit, refuses every other fetch, answers the download button's own check without handing the
file out, and writes the audit record when the file is served; a record that cannot be written stops
the file (the trail fails closed).
"""

from __future__ import annotations

import hashlib
import http.cookies
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OWNER_COOKIES = ("_streamlit_xsrf", "_streamlit_user")  # who a browser is, as the server knows it
KEEP_SECONDS = 600  # a ticket not taken within this long is dropped (the button makes a new one)
KEEP_TICKETS = 1_000  # at most this many waiting, the oldest dropped first


class NotGuarded(RuntimeError):
    """A download asked of a server without the guard (`streamlit run dashboard.py`): refused, since it
    would be served to anyone with its address and never audited."""


@dataclass(frozen=True)
class Ticket:
    owner: str
    served: Callable[[], None]  # writes the audit record; raises when it cannot
    made: float


class Tickets:
    """The exports waiting to be taken, by the SHA-256 of their content (each holds a unique export id)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, Ticket] = {}
        self.guarded = False  # set by DownloadGuard: only then are exports made

    def issue(self, content: bytes, owner: str, served: Callable[[], None]) -> None:
        if not self.guarded:
            raise NotGuarded("downloads need the guarded server: start the dashboard with `make run` (serve.py)")
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            self._waiting[_digest(content)] = Ticket(owner, served, now)
            while len(self._waiting) > KEEP_TICKETS:
                self._waiting.pop(next(iter(self._waiting)))

    def check(self, content: bytes, owner: str) -> bool:
        """Whether `owner` holds a ticket for `content` (nothing is taken)."""
        with self._lock:
            self._expire(time.monotonic())
            ticket = self._waiting.get(_digest(content))
        return ticket is not None and secrets.compare_digest(ticket.owner, owner)

    def take(self, content: bytes, owner: str) -> bool:
        """Take `owner`'s ticket for `content` and write its audit record: True when the file may be served."""
        digest = _digest(content)
        with self._lock:
            self._expire(time.monotonic())
            ticket = self._waiting.get(digest)
            if ticket is None or not secrets.compare_digest(ticket.owner, owner):
                return False
            del self._waiting[digest]
        ticket.served()  # an AuditError here stops the file: nothing is served unrecorded
        return True

    def _expire(self, now: float) -> None:
        for digest in [d for d, t in self._waiting.items() if now - t.made > KEEP_SECONDS]:
            del self._waiting[digest]


TICKETS = Tickets()


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def owner_key(cookies: Mapping[str, str]) -> str:
    """Who a browser is: a hash of its XSRF token (per browser) and its signed-in identity cookie."""
    parts = [_xsrf_token(cookies.get(OWNER_COOKIES[0], "")), cookies.get(OWNER_COOKIES[1], "")]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _xsrf_token(value: str) -> str:
    """The token inside Streamlit's XSRF cookie (`2|mask|masked|time`): the mask may change, the token not."""
    parts = value.split("|")
    if len(parts) == 4 and parts[0] == "2":
        try:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        except ValueError:
            return value
        return bytes(m ^ mask[i % len(mask)] for i, m in enumerate(masked)).hex() if mask else value
    return value


def new_export_id() -> str:
    """An export's own id: written into the file and its audit record."""
    return secrets.token_hex(8)


class DownloadGuard:
    """ASGI middleware in front of Streamlit: a downloadable file at /media/ goes only to its ticket's owner."""

    def __init__(self, app, tickets: Tickets = TICKETS) -> None:
        self.app, self.tickets = app, tickets
        tickets.guarded = True

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/media/"):
            await self.app(scope, receive, send)
            return
        stored = _stored(scope["path"].removeprefix("/media/"))
        if stored is None:  # an image or a file Streamlit does not hold: Streamlit answers as it does
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        owner = owner_key(_cookies(headers.get("cookie", "")))
        # the download button fetches the address once to check it, then navigates to it to save the file
        check = scope["method"] == "HEAD" or headers.get("sec-fetch-mode", "navigate") not in ("navigate", "")
        if check:
            allowed = self.tickets.check(stored, owner)
            await _answer(send, 200 if allowed else 404, b"" if allowed else b"Not found")
            return
        try:
            allowed = self.tickets.take(stored, owner)
        except OSError:  # the audit record could not be written: the file is not handed out
            await _answer(send, 503, b"This download cannot be recorded in the audit trail, so it is not served.")
            return
        if not allowed:
            await _answer(send, 404, b"This download is not yours, or it was taken already: press the button again.")
            return
        await self.app(scope, receive, send)


def _stored(name: str) -> bytes | None:
    """The content of the downloadable file Streamlit holds under `name` (`<id>.<ext>`), else None."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.media_file_storage import MediaFileKind

    if not Runtime.exists():
        return None
    manager = Runtime.instance().media_file_mgr
    found = manager.read_file(name) if manager.can_read_files else None
    return found.content if found is not None and found.kind == MediaFileKind.DOWNLOADABLE else None


def _cookies(header: str) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    try:
        jar.load(header)
    except http.cookies.CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


async def _answer(send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers.append((b"cache-control", b"no-store"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
