"""A link opened without an extract is pinned before the page loads, so its #section survives.

Every view pins the extract it shows in its address (`extract=`), so that a link passed on shows the same
figures. When the app itself adds the pin, Streamlit rewrites the address without its `#section`, and a
link to a section of a page (the attention list's, a digest's) opens at the top. Answering such a request
with a redirect to the same address plus the pin keeps the section: a browser carries the fragment over a
redirect whose address has none. Only a browser's request for a page is redirected; Streamlit's own
requests (its scripts, its socket, media, health) pass as they are.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from unitload.app.choice import served_extract
from unitload.app.environment import data_path
from unitload.extract.folder import MANIFEST, ExtractError, open_extract

OWN = ("/_stcore", "/static", "/media", "/component", "/app/static", "/favicon", "/manifest", "/robots")


class PinExtract:
    """ASGI middleware in front of Streamlit: a page request with no `extract=` goes to the one served now."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        target = _pinned(scope) if scope["type"] == "http" else None
        if target is None:
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 302,
                "headers": [(b"location", target.encode("latin-1")), (b"cache-control", b"no-store")],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _served(path: Path) -> str | None:
    """The id of the extract a view with no pin shows: a lone extract folder's own, else the data root's."""
    manifest = path / MANIFEST
    if manifest.is_file():
        return _lone(str(path), manifest.stat().st_mtime_ns)
    return served_extract(path)[3]


@functools.lru_cache(maxsize=4)
def _lone(path: str, modified: int) -> str:
    return open_extract(Path(path)).extract_id


def _pinned(scope) -> str | None:
    """The address to send a page request to, or None to serve it as it is."""
    path = scope["path"]
    if scope["method"] != "GET" or path.startswith(OWN) or "." in path.rsplit("/", 1)[-1]:
        return None
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    if "text/html" not in headers.get("accept", "") or headers.get("sec-fetch-dest", "document") != "document":
        return None
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if any(key == "extract" for key, _ in query):
        return None
    try:
        served = _served(data_path())
    except (OSError, ExtractError):  # the data folder cannot be read now: the page says so itself
        return None
    if served is None:
        return None
    # a reference of the query alone: the browser keeps the path it asked for (a proxy's prefix included)
    return "?" + urlencode([*query, ("extract", served)])
