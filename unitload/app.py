"""What every page shares: the open extract, its validation, cached query results and the sidebar.

Configuration comes from the environment so that `make run` needs no flags:
UNITLOAD_DATA (an extract folder; default the bundled sample) and UNITLOAD_SETTINGS (a TOML file).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gc
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from queries import month_end_days, run_query
from unitload.access import AccessDenied, Scope, local_scope, scope_from_claims
from unitload.db import Database, Source
from unitload.extract import ExtractError, open_extract
from unitload.findings import Finding, has_errors
from unitload.settings import Settings, SettingsError, load_settings
from unitload.validate import validate

QUERY_CACHE = 256  # query results kept, across users and extracts

HERE = Path(__file__).resolve().parent.parent
DEFAULT_DATA = HERE / "sample_data" / "unit"
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"


@dataclass(frozen=True)
class Loaded:
    """The extract the app serves, with its findings; `source` is None when it cannot be read at all."""

    source: Source | None
    findings: tuple[Finding, ...]
    problem: str = ""

    @property
    def servable(self) -> bool:
        return self.source is not None and not has_errors(list(self.findings))


def data_path() -> Path:
    return Path(os.environ.get("UNITLOAD_DATA") or DEFAULT_DATA).resolve()


def _settings_path() -> str | None:
    return os.environ.get("UNITLOAD_SETTINGS") or None


@st.cache_resource(show_spinner=False)
def _database(root: str, threads: int, memory_limit: str) -> Database:
    """The one DuckDB connection of this server process."""
    from unitload.settings import Engine

    return Database(root, Engine(threads=threads, memory_limit=memory_limit))


@st.cache_resource(show_spinner="Checking the extract…", max_entries=8)
def _load(path: str, manifest_stamp: float, settings_path: str | None, root: str) -> Loaded:
    """Open, bind and validate an extract once per manifest version and settings file."""
    try:
        settings = load_settings(settings_path)
        extract = open_extract(path)
    except (SettingsError, ExtractError) as exc:
        return Loaded(None, (), str(exc))
    db = _database(root, settings.engine.threads, settings.engine.memory_limit)
    source = db.bind(extract, settings)
    findings = tuple(validate(source))
    loaded = Loaded(source, findings)
    if loaded.servable and settings.engine.snapshot_months:
        from queries import build_snapshots

        build_snapshots(source, settings.engine.snapshot_months)
    _settle_heap()
    return loaded


def _settle_heap() -> None:
    """Take what is alive now (the modules, the open extracts) out of the cyclic collector's way.

    Python's full collection walks every object the process holds; in a server with an extract open
    it took about 0.1 s, and it struck in the middle of a page run. Frozen objects are skipped. The
    previous freeze is undone and collected first, so what an older extract left in cycles is freed.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


FRAME = "dashboard.py"
_IN_FRAME = contextvars.ContextVar("unitload_in_frame", default=False)


def run_page(page, file: str) -> None:
    """Run the selected page inside the frame (dashboard.py calls this, and only this runs pages).

    A full run of a page is one consultation: it writes one audit record, with the rows it showed.
    """
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    run = this_run()
    run.page, run.rows = Path(file).stem, 0
    # read before the page runs: after a page's st.stop(), reading session state stops again
    trail, chosen = settings().audit, st.session_state.get("filters")
    token = _IN_FRAME.set(True)
    start = time.perf_counter()
    try:
        page.run()
    except StopException:
        _record(trail, run, chosen, "view", "", None, time.perf_counter() - start)
        raise
    else:
        _record(trail, run, chosen, "view", "", None, time.perf_counter() - start)
    finally:
        _IN_FRAME.reset(token)


def audit(event: str, what: str = "", rows: int | None = None) -> None:
    """One audit record for this user and view: the page, filter codes and extract, never names."""
    _record(settings().audit, this_run(), st.session_state.get("filters"), event, what, rows)


def disclosed(make, event: str, what: str, rows: int | None):
    """`make` (a file made on a later request, outside this run), writing its audit record when called.

    Who, where and what are read now: the later request has no script run and no session state.
    """
    run, chosen, trail = this_run(), st.session_state.get("filters"), settings().audit

    def made():
        _record(trail, run, chosen, event, what, rows)
        return make()

    return made


def _record(trail_settings, run: Run, chosen, event: str, what: str, rows: int | None, seconds: float | None = None):
    from unitload import audit as trail

    source = run.current.source
    trail.record(
        trail_settings,
        event,
        subject=run.scope.subject,
        role=run.scope.role,
        page=run.page,
        filters={
            "as_of": chosen.as_of.isoformat() if chosen else None,
            "units": chosen.units if chosen else None,
            "teams": chosen.teams if chosen else None,
        },
        extract=source.extract.extract_id if source else "",
        rows=run.rows if rows is None else rows,
        what=what,
        seconds=seconds,
    )


def require_frame(page_file: str) -> None:
    """First line of every page: a page never runs outside dashboard.py.

    With a `pages/` folder beside the entry script, Streamlit runs a page directly, skipping the frame
    and whatever the frame checks, on a new server's first request to that page's URL (its multipage
    mode of version 1). Such a run is sent to the frame, which forwards it to the page asked for.
    """
    if not _IN_FRAME.get():
        st.session_state["_wanted_page"] = (Path(page_file).name, st.query_params.to_dict())
        st.switch_page(FRAME)


def forward_diverted(pages: dict, current) -> None:
    """In the frame: finish a request that require_frame diverted, on the page it asked for."""
    wanted = st.session_state.pop("_wanted_page", None)
    if wanted and wanted[0] in pages and pages[wanted[0]].url_path != current.url_path:
        st.switch_page(pages[wanted[0]], query_params=wanted[1])


@st.cache_resource(show_spinner=False, max_entries=4)
def _settings(path: str | None, modified: float) -> Settings | str:
    try:
        return load_settings(path)
    except SettingsError as exc:
        return str(exc)


def settings() -> Settings:
    """The settings file in force (UNITLOAD_SETTINGS), reread when it changes; stops the app if it is bad."""
    path = _settings_path()
    found = _settings(path, Path(path).stat().st_mtime if path and Path(path).exists() else 0.0)
    if isinstance(found, str):
        st.error(f"The settings cannot be used: {found}")
        st.stop()
    return found


def auth_configured() -> bool:
    """True when the secrets have an `[auth]` section: Streamlit's OpenID Connect sign-in is set up."""
    try:
        return bool(st.secrets.load_if_toml_exists() and st.secrets.get("auth"))
    except Exception:  # an unreadable secrets file: treat as not configured, and local mode refuses real data
        return False


def is_bundled_sample(path: Path) -> bool:
    return path.resolve().is_relative_to((HERE / "sample_data").resolve())


def sign_in() -> Scope:
    """Who is asking, before any page runs: signed in through OpenID Connect, or local mode.

    Signed out, the run shows only the sign-in and stops, whatever page its URL names. A role comes
    only from the identity's claims through the settings' mapping. Without `[auth]`, the app runs in
    a bannered local mode, on the bundled sample unless the settings allow local mode on any data.
    """
    _RUN.set(None)
    access = settings().access
    if not auth_configured():
        if not is_bundled_sample(data_path()) and not access.local_any_data:
            _only(_unconfigured, "Sign-in is not configured")
        st.info(
            f"Local mode: nobody is signed in; you see the app as a {access.local_role}. "
            "Configure `[auth]` in the secrets before serving real extracts.",
            icon=":material/lock_open:",
        )
        return local_scope(access)
    if not st.user.is_logged_in:
        _only(_signed_out, "Sign in")
    try:
        scope = scope_from_claims(st.user.to_dict(), access)
    except AccessDenied as exc:
        st.session_state["_denied"] = str(exc)
        _only(_no_access, "No access")
    with st.sidebar:
        st.caption(f"Signed in as {scope.label}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
    return scope


def _only(page, title: str) -> None:
    """Show one page, whatever the URL asks for, with no navigation, and end the run."""
    st.navigation([st.Page(page, title=title, url_path="signin")], position="hidden").run()
    st.stop()


def _unconfigured() -> None:
    st.title("Sign-in is not configured")
    st.error(
        "This server is pointed at an extract other than the bundled sample, but has no `[auth]` "
        "section in its secrets, so nobody could be identified or audited. Configure OpenID Connect "
        "sign-in, or set `access.local_any_data = true` in the settings to run without it."
    )


def _signed_out() -> None:
    st.title("Unit workload")
    st.write("This dashboard shows restricted policing data. Sign in with your organisation's account.")
    st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")


def _no_access() -> None:
    st.title("No access")
    st.error(f"Your account is signed in but has no access to this dashboard: {st.session_state.get('_denied')}.")
    st.button("Sign out", on_click=st.logout)


@dataclass(frozen=True)
class Choice:
    """Which extract this run serves: the one a link pins, else the current (or newest) one."""

    folder: Path
    root: Path  # the folder the database may read: the extract, or the folder of extracts
    extract_id: str | None  # None for a lone extract folder
    newest: str | None  # the extract served when no link pins one
    asked: str | None  # the extract id in the link, if any
    others: tuple[str, ...] = ()  # the other kept extracts, newest first (the fallbacks of an unpinned view)


def extract_folders(path: Path) -> dict[str, tuple[Path, str]]:
    """Extracts kept side by side, one sub-folder each: extract id -> (folder, extracted_at).

    `path` is a folder of extract folders, or a data root of `unitload promote` (its extracts/ folder).
    """
    from unitload.promote import EXTRACTS, current_folder

    if current_folder(path) is not None:
        path = path / EXTRACTS
    elif (path / "manifest.json").exists() or not path.is_dir():
        return {}
    return _listed(str(path), path.stat().st_mtime)  # a new extract folder changes the folder's mtime


@st.cache_data(show_spinner=False, max_entries=16)
def _listed(path: str, modified: float) -> dict[str, tuple[Path, str]]:
    found = {}
    for folder in sorted(Path(path).iterdir()):
        if folder.name.startswith(".") or not (folder / "manifest.json").is_file():
            continue  # hidden: a promotion still copying
        extract = open_extract(folder)
        found[extract.extract_id] = (folder, extract.extracted_at.isoformat() if extract.extracted_at else "")
    return found


def choice() -> Choice:
    from unitload.promote import current_folder

    path = data_path()
    asked = st.query_params.get("extract") or None
    folders = extract_folders(path)
    if not folders:
        return Choice(path, path, None, None, asked)
    by_age = sorted(folders, key=lambda i: (folders[i][1], i), reverse=True)
    current = current_folder(path)
    served = next((i for i in by_age if folders[i][0].resolve() == current), None) if current else by_age[0]
    if served is None:  # the current extract was promoted after the listing was cached
        _listed.clear()
        return choice()
    chosen = asked if asked in folders else served
    others = tuple(i for i in by_age if i != chosen)
    return Choice(folders[chosen][0], path, chosen, served, asked, others)


def _open(folder: Path, root: Path) -> Loaded:
    manifest = folder / "manifest.json"
    stamp = manifest.stat().st_mtime if manifest.exists() else 0.0
    return _load(str(folder), stamp, _settings_path(), str(root))


@dataclass
class Run:
    """One script run of one user: their scope, and the extract the whole run serves."""

    scope: Scope
    current: Loaded
    choice: Choice
    fell_back_from: str = ""  # an unpinned newest extract that failed validation, if any
    page: str = ""
    rows: int = 0  # table rows shown on this run, for the audit record


_RUN: contextvars.ContextVar[Run | None] = contextvars.ContextVar("unitload_run", default=None)


def this_run() -> Run:
    """This run's user and extract (a fragment rerun has the last full run's, kept in its session)."""
    run = _RUN.get() or st.session_state.get("_unitload_run")
    if run is None:
        raise RuntimeError("pages run only inside dashboard.py, after app.start()")
    return run


def loaded() -> Loaded:
    """The extract this run serves, already limited to the user's scope."""
    return this_run().current


def start(scope: Scope) -> Loaded:
    """Fix the extract of this run, once: a promotion during the run changes the next run, not this one.

    Without a link pinning an extract, a newest extract that failed validation is passed over for the
    newest one that passed (the last good extract keeps being served), with a warning.
    """
    chosen = choice()
    base = _open(chosen.folder, chosen.root)
    fell_back = ""
    if not base.servable and chosen.extract_id and chosen.asked != chosen.extract_id:
        for other in chosen.others:
            candidate = _open(extract_folders(chosen.root)[other][0], chosen.root)
            if candidate.servable:
                fell_back, base = chosen.extract_id, candidate
                break
    current = scoped(base, scope)
    run = Run(scope, current, chosen, fell_back)
    _RUN.set(run)
    st.session_state["_unitload_run"] = run
    return current


def scoped(base: Loaded, scope: Scope) -> Loaded:
    """The extract as the user's scope sees it; example rows of findings only for whole-extract roles."""
    import dataclasses

    if base.source is None:
        return base
    findings = base.findings
    if not (scope.names and scope.teams is None):
        findings = tuple(dataclasses.replace(f, examples=()) for f in findings)
    return Loaded(base.source.scoped(scope), findings, base.problem)


def pin_extract(current: Loaded) -> None:
    """Pin the extract in the link, and say so when the link asks for another or a newer one exists.

    Served in place of a newest extract that failed validation, the last good extract is pinned too
    (a link passed on shows the figures seen), and the failure stays in view on later runs.
    """
    if current.source is None:
        return
    run = this_run()
    chosen, extract_id = run.choice, current.source.extract.extract_id  # as start() chose, not chosen again
    if chosen.asked and chosen.asked != extract_id and not run.fell_back_from:
        st.warning(f"The link asks for extract {chosen.asked!r}, which is not kept here; showing {extract_id}.")
    st.query_params["extract"] = extract_id
    if run.fell_back_from:  # remembered for the session's later runs, which the pin sends to extract_id
        st.session_state["_unitload_failed"] = run.fell_back_from
    failed = st.session_state.get("_unitload_failed")
    if failed and failed == (run.fell_back_from or chosen.newest):
        st.error(
            f"Extract {failed} failed validation, so the last good extract, {extract_id}, "
            f"is served. [See why it failed](?extract={failed}) (its Data & definitions page).",
            icon=":material/report:",
        )
        return
    if chosen.newest and chosen.newest != extract_id:
        from urllib.parse import urlencode

        newer = urlencode(st.query_params.to_dict() | {"extract": chosen.newest})
        st.warning(
            f"This view is pinned to extract {extract_id} (as of {current.source.extract.as_of:%d %b %Y}), "
            f"so it shows the same figures as when the link was made. A newer extract, {chosen.newest}, is "
            f"available: [open this view on the newest data](?{newer}).",
            icon=":material/history:",
        )


# A resource cache: results are handed out as they are, not pickled and unpickled on every use (a
# large frame took longer to copy than to compute). Polars frames are not changed in place here.
@st.cache_resource(show_spinner=False, max_entries=QUERY_CACHE)
def _cached_query(_source: Source, key: tuple, name: str, params: tuple) -> pl.DataFrame:
    at = (key, name, repr(params))  # parameter values may be lists: their text is the dictionaries' key
    started = _started.pop(at, None)
    result = started.result() if started else run_query(_source, name, **dict(params))
    with _lock:
        _done[at] = None
        while len(_done) > QUERY_CACHE:
            _done.popitem(last=False)
    return result


_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="unitload-query")
_lock = threading.Lock()
_started: dict[tuple, Future] = {}  # queries a page started ahead (`prefetch`), until it reads them
_done: OrderedDict[tuple, None] = OrderedDict()  # the most recent keys computed: in the cache, barring eviction


def _key(source: Source) -> tuple:
    return source.extract.extract_id, source.schema, source.settings.fingerprint()


def query(source: Source, name: str, **params) -> pl.DataFrame:
    """A named query's result, cached per extract, settings and parameters."""
    key, ordered = _key(source), tuple(sorted(params.items()))
    try:
        return _cached_query(source, key, name, ordered)
    finally:
        _started.pop((key, name, repr(ordered)), None)  # started while another run cached it: not needed


def clear_queries() -> None:
    """Empty the query cache (and forget what was computed)."""
    _cached_query.clear()
    with _lock:
        _done.clear()


def prefetch(source: Source, *calls: tuple[str, dict]) -> None:
    """Start queries that the page reads later with `query` (name and parameters), two at a time.

    DuckDB works outside Python's lock, so they run while the page draws what it already has: a page
    of many queries waits for about the longest of them rather than their sum. The page's `query`
    with the same name and parameters takes the started result (or its error). A query computed
    recently (so in the cache) is not started.
    """
    key = _key(source)
    with _lock:
        for name, params in calls:
            at = (key, name, repr(tuple(sorted(params.items()))))
            if at not in _started and at not in _done:
                _started[at] = _workers.submit(run_query, source, name, **params)
        while len(_started) > 4 * QUERY_CACHE:  # pages that stopped before reading what they started
            _started.pop(next(iter(_started)))


def sidebar(current: Loaded) -> None:
    """Extract id, extraction date and as-of day, on every page."""
    with st.sidebar:
        st.subheader("Extract")
        if current.source is None:
            st.error(current.problem or "No extract could be opened.")
            return
        extract = current.source.extract
        st.markdown(f"**{extract.extract_id}**")
        taken = extract.extracted_at.strftime("%d %b %Y %H:%M") if extract.extracted_at else "unknown"
        st.caption(f"Extracted {taken}")
        as_of = extract.as_of.strftime("%A %d %B %Y") if extract.as_of else "unknown"
        st.caption(f"As of {as_of}")
        errors = sum(f.severity == "error" for f in current.findings)
        warnings = len(current.findings) - errors
        if errors:
            st.error(f"{errors} validation error(s): figures are withheld. See Data & definitions.")
        elif warnings:
            st.warning(f"{warnings} validation warning(s). See Data & definitions.")
        else:
            st.success("Validated: no findings.")


def require_servable(current: Loaded) -> Source:
    """Stop a page that draws figures when the extract failed validation."""
    if not current.servable:
        st.error(
            "This extract failed validation, so no figures are drawn from it. "
            "The Data & definitions page lists every finding."
        )
        st.stop()
    return current.source


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices, shared by every page: the as-of day and the unit and team scope."""

    as_of: dt.date
    units: list[str] | None  # None: every unit
    teams: list[str] | None  # None: every team

    @property
    def params(self) -> dict[str, object]:
        return {"as_of": self.as_of, "units": self.units, "teams": self.teams}

    def select(self, frame: pl.DataFrame, unit: str = "unit", team: str = "team") -> pl.DataFrame:
        """The rows of a query result inside the chosen units and teams."""
        if self.units:
            frame = frame.filter(pl.col(unit).is_in(self.units))
        if self.teams:
            frame = frame.filter(pl.col(team).is_in(self.teams))
        return frame

    @property
    def scope(self) -> str:
        if self.teams:
            return ", ".join(self.teams)
        return ", ".join(self.units) if self.units else "all units"


def month_ends(first_day: dt.date | None, as_of: dt.date) -> list[dt.date]:
    """Every month end from the first day's month to the as-of day, which stands for its own month."""
    first = first_day or as_of
    return month_end_days(as_of, max(1, (as_of.year - first.year) * 12 + as_of.month - first.month + 1))


def month_label(day: dt.date, as_of: dt.date) -> str:
    """The month's name: also its value in links (the as-of day stands for its own month)."""
    return f"{day:%B %Y}"


def filters() -> Filters:
    """The choices made in the sidebar on this run (set by dashboard.py before the page runs)."""
    return st.session_state["filters"]


def sidebar_filters(source: Source) -> Filters:
    """Month picker, unit and team filters and the names toggle, drawn by the frame for every page.

    Month, unit and teams live in the URL (`?month=October+2026&unit=POLIT&teams=POLIT-B`) so a link
    reproduces the view; a value the extract does not have falls back to the default, with a notice.
    """
    as_of = source.extract.as_of
    first = query(source, "history_span")["first_day"][0]
    days = month_ends(first, as_of)
    teams = query(source, "teams", as_of=as_of)
    units = sorted(teams["unit"].unique().to_list())
    with st.sidebar:
        st.subheader("Review")
        notice_unknown("month", {month_label(d, as_of) for d in days}, "month")
        notice_unknown("unit", {"All units", *units}, "unit")
        notice_unknown("teams", set(teams["team"].to_list()), "team")
        day = st.selectbox(
            "Month",
            days,
            format_func=lambda d: month_label(d, as_of),
            key="month",
            bind="query-params",
            help="Figures are taken at the month's last day, or at the extract's as-of day for its own month.",
        )
        unit = st.selectbox("Unit", ["All units", *units], key="unit", bind="query-params")
        chosen_units = None if unit == "All units" else [unit]
        options = teams if chosen_units is None else teams.filter(pl.col("unit").is_in(chosen_units))
        valid = set(options["team"].to_list())
        if any(t not in valid for t in st.session_state.get("teams", [])):  # the unit changed
            st.session_state["teams"] = [t for t in st.session_state["teams"] if t in valid]
        chosen_teams = st.multiselect(
            "Teams", options["team"].to_list(), key="teams", bind="query-params", placeholder="All teams"
        )
        # never bound to the URL: a link must not reveal names to whoever opens it
        if this_run().scope.names:
            st.toggle("Show names", key="sidebar_names", help="Officers are shown by id unless names are revealed.")
        else:
            st.caption("Officers are shown by id: your role does not see names.")
        share_link()
    scope_teams = list(this_run().scope.teams) if this_run().scope.teams else None
    st.session_state["filters"] = Filters(day, chosen_units, chosen_teams or scope_teams)
    return st.session_state["filters"]


def notice_unknown(param: str, valid: set[str], what: str) -> None:
    """Say so when a link asks for a value this extract does not have (the widget then falls back)."""
    unknown = [v for v in st.query_params.get_all(param) if v and v not in valid]
    if unknown:
        st.warning(
            f"The link's {what} {', '.join(repr(v) for v in unknown)} is not in this extract; "
            "showing the default instead."
        )


def names_visible() -> bool:
    """Names are shown when the user's role may see them and the sidebar's "Show names" is on."""
    return this_run().scope.names and bool(st.session_state.get("sidebar_names", False))


def with_names(source: Source, frame: pl.DataFrame, column: str = "officer_id", label: str = "officer") -> pl.DataFrame:
    """Add a `label` column: the officer id, or "Name (id)" when names are shown."""
    if not names_visible():
        return frame.with_columns(pl.col(column).alias(label))
    names = query(source, "officer_names").rename({"officer_id": column})
    return (
        frame.join(names, on=column, how="left")
        .with_columns(
            pl.when(pl.col(column).is_null())
            .then(None)
            .otherwise(pl.format("{} ({})", pl.col("display_name"), pl.col(column)))
            .alias(label)
        )
        .drop("display_name")
    )


def table(frame: pl.DataFrame, key: str, column_config: dict | None = None, where=None, **kwargs):
    """st.dataframe, in the container `where` (else the page), with dates shown as dates, and its downloads."""
    config = {
        c: st.column_config.DateColumn(c.replace("_", " "), format="D MMM YYYY")
        for c, t in frame.schema.items()
        if t == pl.Date
    }
    shown = (where or st).dataframe(
        frame, hide_index=True, key=key, column_config=config | (column_config or {}), **kwargs
    )
    this_run().rows += frame.height
    downloads(frame, key.replace("_", "-"), key, where)
    return shown


def export_header(source: Source, name: str) -> list[tuple[str, str]]:
    """What an export says about itself: extract, as-of day, scope, and the definitions used."""
    from unitload.definitions import definitions

    chosen = st.session_state.get("filters")  # none on a page for an extract that failed validation
    return [
        ("table", name),
        ("extract", source.extract.extract_id),
        ("as of", (chosen.as_of if chosen else source.extract.as_of).isoformat()),
        ("scope", chosen.scope if chosen else "the whole extract"),
        *((f"definition: {d.term}", d.text) for d in definitions(source.settings)),
    ]


def downloads(frame: pl.DataFrame, name: str, key: str, where=None) -> None:
    """CSV and XLSX of a table as shown, each made only when its button is pressed."""
    from unitload.output import to_csv_with_header, to_xlsx

    source = loaded().source
    chosen = st.session_state.get("filters")
    stem = f"{name}-{source.extract.extract_id}-{(chosen.as_of if chosen else source.extract.as_of).isoformat()}"
    # read now: the files are made on a later request, outside this script run and its session state
    header = export_header(source, name)
    box = (where or st).popover("Download", icon=":material/download:")
    box.download_button(
        "CSV",
        data=disclosed(lambda: to_csv_with_header(frame, header), "export", f"{name}.csv", frame.height),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    box.download_button(
        "Excel (XLSX)",
        data=disclosed(lambda: to_xlsx(frame, header), "export", f"{name}.xlsx", frame.height),
        file_name=f"{stem}.xlsx",
        key=f"{key}_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@dataclass(frozen=True)
class PageContext:
    """What a figure page starts from: the bound extract, the sidebar's choices and the settings."""

    source: Source
    filters: Filters
    settings: Settings

    def term(self, name: str) -> str:
        """A definition worded with the settings in force, for a help tooltip."""
        from unitload.definitions import definition

        return definition(self.settings, name)


def figure_page(title: str) -> PageContext:
    """Title and scope line of a page that draws figures; stops when the extract failed validation."""
    source = require_servable(loaded())
    chosen = filters()
    st.title(title)
    st.caption(f"{month_label(chosen.as_of, source.extract.as_of)} · {chosen.scope} · as of {chosen.as_of:%d %b %Y}")
    return PageContext(source, chosen, source.settings)


@st.cache_data(show_spinner="Measuring the scenario…", max_entries=64)
def _plan(_source: Source, key: tuple, scenario_text: str, on: dt.date, horizon: int):
    from unitload.planner import evaluate
    from unitload.scenario import Scenario

    return evaluate(_source, Scenario.parse(scenario_text), on, horizon=horizon)


def plan(source: Source, scenario_text: str, on: dt.date, horizon: int = 104):
    """The planner's outcome for a scenario (empty text: the baseline), cached per extract and settings."""
    key = (source.extract.extract_id, source.schema, source.settings.fingerprint())
    return _plan(source, key, scenario_text, on, horizon)


def rerun_fragment() -> None:
    """Rerun only the running fragment; on a full run of the page (a first load, a test) rerun it all."""
    from streamlit.errors import StreamlitAPIException

    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def share_link() -> None:
    """Copy link: the page's address with its filters and choices (ids, codes and dates only)."""
    url = st.context.url or ""
    query = st.query_params.to_dict()
    if query:
        from urllib.parse import urlencode

        url = url.split("?", 1)[0] + "?" + urlencode(query)
    box = st.popover("Copy link", icon=":material/link:", width="stretch", key="share_link", on_change=_link_shown)
    box.caption("This view's link: the same figures for whoever opens it. It holds only ids, codes and dates.")
    box.code(url, language=None, wrap_lines=True)


def _link_shown() -> None:
    """Opening Copy link shows a link to be passed on: a disclosure for the audit trail."""
    if st.session_state.get("share_link"):
        audit("link", what="link", rows=0)


def monthly_pack_maker(source: Source, as_of: dt.date):
    """The pack, made on a later request when the button is pressed (names as shown now)."""
    from unitload.report import monthly_pack

    names = names_visible()  # read now: the pack is made outside this script run
    return disclosed(lambda: monthly_pack(source, as_of, names=names), "pack", "monthly pack", None)
