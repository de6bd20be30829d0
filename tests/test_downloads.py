"""The download guard: an export goes only to the browser that asked for it, once, with its audit record."""

import asyncio

import pytest

from unitload.access import downloads
from unitload.access.downloads import DownloadGuard, NotGuarded, Tickets, owner_key

FILE = b"# table: t\n# export: 0123456789abcdef\nofficer\nP1019\n"
MINE = {"_streamlit_xsrf": "2|0a0b0c0d|1b1c1d1e1f|1800000000"}


def xsrf(token: bytes, mask: bytes) -> str:
    """Streamlit's XSRF cookie for `token` under `mask`, as the server sets it."""
    masked = bytes(t ^ mask[i % len(mask)] for i, t in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|1800000000"


def fetch(guard, cookies: dict, mode: str = "navigate", method: str = "GET", path="/media/abc.csv"):
    """One request through the guard: (status, body) of what it answered, or of the app behind it."""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    scope = {"type": "http", "method": method, "path": path, "headers": [(b"cookie", cookie.encode())]}
    scope["headers"] += [(b"sec-fetch-mode", mode.encode())] if mode else []
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    asyncio.run(guard(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def streamlit(scope, receive, send):  # what Streamlit's /media route would answer
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": FILE})


@pytest.fixture
def guarded(monkeypatch):
    tickets = Tickets()
    guard = DownloadGuard(streamlit, tickets)
    monkeypatch.setattr(downloads, "_stored", lambda name: FILE if name.endswith(".csv") else None)
    return tickets, guard


def test_the_browser_that_asked_takes_its_file_once_and_it_is_recorded_then(guarded):
    tickets, guard = guarded
    served = []
    tickets.issue(FILE, owner_key(MINE), lambda: served.append("recorded"))
    assert served == []  # made is not disclosed: nothing recorded until the file is served
    assert fetch(guard, MINE, mode="cors") == (200, b"")  # the button's own check: no file handed out
    assert fetch(guard, MINE) == (200, FILE)
    assert served == ["recorded"]
    assert fetch(guard, MINE)[0] == 404  # a second fetch of the address: gone
    assert served == ["recorded"]


@pytest.mark.parametrize(
    "cookies",
    [{}, {"_streamlit_xsrf": "2|00|ff|1"}, {**MINE, "_streamlit_user": "someone-else"}],
    ids=["no-cookie", "another-browser", "another-identity"],
)
def test_anyone_else_with_the_address_is_refused_and_the_file_stays_for_its_owner(guarded, cookies):
    tickets, guard = guarded
    tickets.issue(FILE, owner_key(MINE), lambda: None)
    assert fetch(guard, cookies)[0] == 404
    assert fetch(guard, cookies, mode="cors")[0] == 404
    assert fetch(guard, cookies, mode="")[0] == 404  # a client sending no fetch metadata (curl)
    assert fetch(guard, MINE)[0] == 200


def test_a_file_whose_record_cannot_be_written_is_not_served(guarded):
    tickets, guard = guarded

    def full_disk():
        raise OSError(28, "No space left on device")

    tickets.issue(FILE, owner_key(MINE), full_disk)
    status, body = fetch(guard, MINE)
    assert status == 503 and b"audit trail" in body


def test_media_that_is_not_a_download_is_left_to_streamlit(guarded):
    _, guard = guarded
    assert fetch(guard, {}, path="/media/logo.png") == (200, FILE)  # the app behind answered


def test_a_server_without_the_guard_makes_no_export():
    with pytest.raises(NotGuarded, match="make run"):
        Tickets().issue(FILE, owner_key(MINE), lambda: None)


def test_the_browser_is_known_by_its_xsrf_token_whatever_its_mask():
    token = bytes(range(16))
    once, again = xsrf(token, b"\x01\x02\x03\x04"), xsrf(token, b"\xaa\xbb\xcc\xdd")
    assert once != again
    assert owner_key({"_streamlit_xsrf": once}) == owner_key({"_streamlit_xsrf": again})
    assert owner_key({"_streamlit_xsrf": once}) != owner_key({"_streamlit_xsrf": xsrf(bytes(16), b"\x01")})
