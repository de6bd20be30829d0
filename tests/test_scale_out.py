"""Two replicas behind nginx, sharing one extract root: sticky sessions, and a promotion reaches both."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from browsing import WAIT, metrics, record_decision, wait_idle
from conftest import ROOT, require, serve

from perf.server import CHROMIUM, free_port, stop_server, wait_healthy
from unitload.access import audit
from unitload.extract.promote import install

pytestmark = pytest.mark.browser
NGINX = "/usr/sbin/nginx"
SAMPLE = ROOT / "sample_data" / "unit"

require(CHROMIUM, "chromium")
require(NGINX, "nginx-light")

CONFIG = """
daemon off;
{user}
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream unitload {{
        hash $http_user_agent;  # ip_hash in production: on loopback every client is 127.0.0.1. Not
        # "consistent": its ring follows the (random) ports, so the split of 8 users would vary by run
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://unitload;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 1d;
        }}
    }}
}}
"""


def renamed_sample(folder: Path, extract_id: str) -> Path:
    shutil.copytree(SAMPLE, folder)
    text = (folder / "manifest.json").read_text().replace('"unit-seed42-2026-10-31"', f'"{extract_id}"')
    (folder / "manifest.json").write_text(text)
    return folder


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, postgres):
    work = tmp_path_factory.mktemp("replicas")
    root = work / "root"
    install(SAMPLE, root, "unit-seed42-2026-10-31")
    trails, servers = [], []
    nginx = None
    records = postgres.create("replicas")  # several servers keep their decisions in one PostgreSQL database
    try:
        for n in range(2):
            trail = work / f"audit-{n}.jsonl"
            settings = work / f"settings-{n}.toml"
            settings.write_text(
                f'[access]\nlocal_any_data = true\n\n[audit]\npath = "{trail}"\n\n[decisions]\nurl = "{records}"\n'
            )
            server = serve(root, env={"UNITLOAD_SETTINGS": str(settings)})
            servers.append((server, next(server)))
            trails.append(trail)
        port = free_port()
        a, b = (int(url.rsplit(":", 1)[1]) for _, url in servers)
        user = "user root;" if os.geteuid() == 0 else ""
        (work / "nginx.conf").write_text(CONFIG.format(user=user, work=work, a=a, b=b, port=port))
        nginx = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf")], stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, 30, nginx)
        yield url, root, trails
    finally:  # the replicas stop however the module ends (generator.close() runs serve's own finally)
        if nginx is not None:
            stop_server(nginx)
        for server, _ in servers:
            server.close()


def visit(tab, url: str, agent: str, path: str = "data", then=None) -> str:  # noqa: F811
    """Open a page (by default Data & definitions: no charts to draw) as one user: the tab sends the user's agent
    (it picks the replica) on every request of the visit, the page's and its socket's, and of `then(tab)`, what
    the user does there. The extract id in the sidebar."""
    devtools = tab.context.new_cdp_session(tab)
    try:
        devtools.send("Network.setUserAgentOverride", {"userAgent": agent})  # for as long as it is attached
        tab.goto(f"{url}/{path}")
        tab.wait_for_selector("h1", timeout=WAIT)
        wait_idle(tab)
        if then is not None:
            then(tab)
        return tab.locator("[data-testid=stSidebar] strong").first.inner_text()
    finally:
        devtools.detach()


def test_two_replicas_share_one_extract_root_and_both_follow_a_promotion(replicas, tab, tmp_path):  # noqa: F811
    url, root, trails = replicas

    def replica_of(agent: str) -> tuple[int, str]:
        """Which replica served this user's visit (the one whose audit trail grew), and the extract shown."""
        before = [len(audit.read(trail)) for trail in trails]
        shown = visit(tab, url, agent)
        grew = [
            n for n, (trail, count) in enumerate(zip(trails, before, strict=True)) if len(audit.read(trail)) > count
        ]
        assert len(grew) == 1, grew  # one visit, one replica
        return grew[0], shown

    agents = [f"unitload-test-user-{n}" for n in range(4)]
    first = {agent: replica_of(agent) for agent in agents}
    assert {shown for _, shown in first.values()} == {"unit-seed42-2026-10-31"}
    assert {n for n, _ in first.values()} == {0, 1}, "nginx sent every user to one replica"
    assert [replica_of(agents[0])[0] for _ in range(2)] == [first[agents[0]][0]] * 2  # sticky: same replica again
    install(renamed_sample(tmp_path / "newer", "unit-2026-11"), root, "unit-2026-11")
    # no restart: one user on each replica sees the promotion there
    one_each = {n: agent for agent, (n, _) in first.items()}
    assert {n: replica_of(agent) for n, agent in one_each.items()} == {0: (0, "unit-2026-11"), 1: (1, "unit-2026-11")}


def test_a_decision_recorded_on_one_replica_is_seen_on_the_other(replicas, tab):  # noqa: F811
    url, _, trails = replicas

    def served_by(agent: str) -> int:
        before = [len(audit.read(trail)) for trail in trails]
        visit(tab, url, agent)
        return next(n for n, (t, c) in enumerate(zip(trails, before, strict=True)) if len(audit.read(t)) > c)

    agents = {}
    for n in range(12):
        agents.setdefault(served_by(f"unitload-decider-{n}"), f"unitload-decider-{n}")
    assert set(agents) == {0, 1}, "nginx sent every user to one replica"
    said = []
    visit(
        tab,
        url,
        agents[0],
        "cases?case=C000836",
        lambda page: said.append(record_decision(page, "Record a decision on case C000836", "Progress", "P1019")),
    )
    assert "Recorded decision 1: progress the case (C000836)" in said[0]
    seen = []
    visit(tab, url, agents[1], "decisions", lambda page: seen.append(dict(zip(
        page.locator("[data-testid=stMetricLabel]").all_inner_texts(), metrics(page, 5), strict=True))))  # fmt: skip
    assert seen[0]["Open"] == "1"  # recorded on replica 0, read from the shared store on replica 1
