"""The monthly pack: one self-contained HTML file (charts and plotly.js inline, no network) with the
Overview's figures, the attention list, the workload chart, case ageing and forensic queue summaries,
and the definitions. Officer names appear only when asked for, as on the pages."""

from __future__ import annotations

import datetime as dt
import html
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

from queries import run_query
from queries.catalogue import load_query
from unitload.access.names import labelled
from unitload.charts import cases as case_charts
from unitload.charts import forensics as forensic_charts
from unitload.charts import workload as charts
from unitload.decisions.actions import BY_NAME as ACTIONS
from unitload.extract.columns import heading
from unitload.extract.db import Source
from unitload.months import months_spanned
from unitload.output.plain import one_line
from unitload.planning.forecast import littles_law, monte_carlo, why_they_differ
from unitload.review import headline
from unitload.review.definitions import definitions
from unitload.review.reasons import in_words


@dataclass(frozen=True)
class Pack:
    html: str
    rows: int  # table rows the pack holds (the audit record's count of what it discloses)


def monthly_pack(
    source: Source,
    as_of: dt.date,
    *,
    names: bool = False,
    units: list[str] | None = None,
    teams: list[str] | None = None,
    export: str = "",
) -> Pack:
    """The pack for the month ending on `as_of` (or the extract's as-of day for its own month), of the
    chosen units and teams (None: every one) as the Overview shows them, within the source's scope."""
    settings = source.settings
    label = _labeller(source, names)

    def query(name: str, **params) -> pl.DataFrame:  # the view's units and teams, where the query takes them
        chosen = {"units": units, "teams": teams}
        taken = load_query(name).parameters
        return run_query(source, name, as_of=as_of, **params, **{k: v for k, v in chosen.items() if k in taken})

    months = query("workload_months", months=24)
    now = months.row(-1, named=True)
    before = months.row(-2, named=True) if months.height > 1 else {}
    attention = label(query("attention_list"))
    decisions = label(query("decision_status").filter(pl.col("latest")), "owner_id", "owner")
    officers = label(query("workload_officers"), "officer_id", "label")
    officers = officers.filter((pl.col("as_of") == as_of) & pl.col("caseholder"))
    cases = query("case_ageing")
    span = months_spanned(run_query(source, "history_span")["first_day"][0], as_of)
    lines = query("progress_percentiles", months=span).row(0, named=True)
    bands = query("age_bands").filter(pl.col("grouping") == "team")
    queue = query("forensic_backlog")
    oldest = query("forensic_oldest").drop("position")
    flow = query("forensic_flow", weeks=settings.forensics.throughput_weeks)
    law = littles_law(queue.height, flow["completions"].to_list())
    runs = monte_carlo(queue.height, flow["arrivals"].to_list(), flow["completions"].to_list())
    clears = ", ".join(runs.clearing(as_of, (50, 85, 95)))
    sections = [
        _section("Headline figures", _headline(settings, now, before)),
        _section(
            "Needs a decision this month",
            table_html(
                attention.select(
                    "rank",
                    pl.when(pl.col("priority")).then(pl.lit("first")).otherwise(pl.lit("")).alias("group"),
                    "item",
                    "case_id",
                    "officer",
                    "team",
                    pl.col("reasons").map_elements(in_words, return_dtype=pl.String),
                    pl.col("detail").alias("why, in words"),
                )
            ),
        ),
        _section("Decisions", _decisions(decisions, as_of)),
        _section("Trend over the last 24 month ends", _figure(charts.trend(months))),
        _section("Officer workload", _workload(officers, settings)),
        _section(
            "Case ageing",
            _figure(
                case_charts.ageing(
                    cases.with_columns(officer=pl.col("officer_id")),
                    group="oic_team",
                    percentiles={p: lines[p] for p in ("p50", "p85", "p95")},
                    stale_days=settings.progress.stale_days,
                )
            )
            + table_html(bands.select("holder", "age_band", "cases", "weighted_load")),
        ),
        _section(
            "Forensic queue",
            _figure(forensic_charts.queue_by_stage(queue))
            + table_html(oldest)
            + _paragraph(
                f"Little's law: {law.weeks_to_clear:.1f} weeks to clear the items waiting now."
                if law.weeks_to_clear
                else "Little's law: nothing was completed in the window."
            )
            + _paragraph(f"Monte Carlo: the queue reaches zero — {clears}. {runs.method}")
            + _paragraph(why_they_differ(law, flow["arrivals"].to_list())),
        ),
        _section(
            "Definitions",
            "<dl>"
            + "".join(f"<dt>{html.escape(d.term)}</dt><dd>{html.escape(d.text)}</dd>" for d in definitions(settings))
            + "</dl>",
        ),
    ]
    title = f"Monthly workload pack, {as_of:%B %Y}"
    extract = source.extract
    shown = attention.height + officers.height + cases.height + bands.height + oldest.height + decisions.height
    return Pack(
        rows=shown,
        html=f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }} dt {{ font-weight: 600; margin-top: 0.5rem; }} .meta {{ color: #555; }}
td.code {{ white-space: nowrap; }}
@page {{ size: A4 landscape; margin: 12mm; }}
@media print {{
  body {{ margin: 0; max-width: none; }}
  section + section {{ break-before: page; }}
  h2 {{ break-after: avoid; }}
  tr, .chart, .js-plotly-plot {{ break-inside: avoid; }}
  .modebar-container {{ display: none; }}
}}
</style>
<script>{get_plotlyjs()}</script></head>
<body><h1>{html.escape(title)}</h1>
<p class="meta">Extract {html.escape(extract.extract_id)}, taken {html.escape(str(extract.extracted_at))};
figures as of {as_of:%d %B %Y}; {html.escape(scope_label(units, teams))}.{_export(export)}
{"Officer names shown." if names else "Officers shown by id."}</p>
{"".join(sections)}
</body></html>
""",
    )


PRINTED_BARS = 18  # officers per workload chart: one chart fits an A4 landscape page, its labels whole


def _workload(officers: pl.DataFrame, settings) -> str:
    """Load per officer, most loaded first, in charts of PRINTED_BARS officers: printed, no chart runs across
    two pages (a chart of every officer of a unit is taller than a page)."""
    ordered = officers.sort("load_pct", descending=True, nulls_last=False)
    parts = []
    for start in range(0, ordered.height, PRINTED_BARS):
        part = ordered.slice(start, PRINTED_BARS)
        what = f"Officers {start + 1}–{start + part.height} of {ordered.height}, most loaded first"
        chart = charts.load_bars(
            part,
            adjusted=True,
            overload_pct=settings.capacity.overload_pct,
            points_per_fte=settings.capacity.points_per_fte,
        )
        said = _paragraph(what) if ordered.height > PRINTED_BARS else ""
        parts.append(f'<div class="chart">{said}{_figure(chart)}</div>')
    return "".join(parts) or _paragraph("No caseholder in this view.")


def _decisions(decisions: pl.DataFrame, as_of: dt.date) -> str:
    """The decisions in force on the day: counts by status, then every one still to do (overdue first)."""
    if decisions.is_empty():
        return _paragraph("No decision has been recorded on an item of this view by this day.")
    month = as_of.replace(day=1)
    done = decisions.filter((pl.col("status") == "done") & (pl.col("done_on") >= month)).height
    count = {s: decisions.filter(pl.col("status") == s).height for s in ("overdue", "open", "review_due", "accepted")}
    said = (
        f"On {as_of:%d %B %Y}: {count['overdue']} overdue, {count['open']} open, {done} done this month, "
        f"{count['review_due']} due a review, {count['accepted']} accepted."
    )
    waiting = decisions.filter(pl.col("status").is_in(["overdue", "open", "review_due"])).sort(
        pl.col("status") != "overdue", "due_on"
    )
    words = {name: action.label.lower() for name, action in ACTIONS.items()}
    shown = waiting.select(
        "decision_id",
        "item",
        pl.coalesce("case_id", "officer_id").alias("item_id"),
        pl.col("action").replace_strict(words, default=pl.col("action")),
        "owner",
        "due_on",
        pl.when(pl.col("status") == "overdue")
        .then(pl.format("OVERDUE by {} days", "days_overdue"))
        .otherwise(pl.col("status").str.replace("_", " "))
        .alias("status"),
    )
    return _paragraph(said) + (table_html(shown) if shown.height else "")


def _export(export: str) -> str:
    return f" Export {html.escape(export)}." if export else ""


def scope_label(units: list[str] | None, teams: list[str] | None) -> str:
    """The units and teams a pack covers, in words (the sidebar's scope line)."""
    if teams:
        return ("team " if len(teams) == 1 else "teams ") + ", ".join(teams)
    if units:
        return ("unit " if len(units) == 1 else "units ") + ", ".join(units)
    return "all units"


def _labeller(source: Source, names: bool):
    officer_names = dict(run_query(source, "officer_names").iter_rows()) if names else {}

    def label(frame: pl.DataFrame, column: str = "officer_id", into: str = "officer") -> pl.DataFrame:
        return labelled(frame, officer_names, column, into)

    return label


def _headline(settings, now: dict, before: dict) -> str:
    rows = [
        {
            "figure": f.label,
            "this month": headline.shown(f, now),
            "change on the previous month end": headline.change_text(f, now, before),
        }
        for f in headline.figures(settings)
    ]
    return table_html(pl.DataFrame(rows))


def table_html(frame: pl.DataFrame) -> str:
    """An HTML table of `frame`, every value escaped; a column of codes and ids (no value with a space, such as
    POLIT-B or C000836) never wraps."""
    head = "".join(f'<th scope="col">{html.escape(heading(str(c)))}</th>' for c in frame.columns)
    cells = ['<td class="code">' if _is_code(frame[c]) else "<td>" for c in frame.columns]
    body = "".join(
        "<tr>"
        + "".join(
            f"{cell}{html.escape('' if v is None else _text(v))}</td>" for v, cell in zip(row, cells, strict=True)
        )
        + "</tr>"
        for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _is_code(column: pl.Series) -> bool:
    if column.dtype != pl.String:
        return True  # numbers and dates: short, and a number split over two lines misreads
    values = column.drop_nulls()
    return values.is_empty() or not (values.str.contains(" ").any() or values.str.len_chars().max() > 24)


def _text(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else one_line(value)


def _figure(fig: go.Figure) -> str:
    fig.update_layout(template="plotly_white")
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def _section(title: str, content: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{content}</section>"


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


CHROMIUM = "/usr/bin/chromium"  # Debian's: the PDF is printed on this machine, with no network


def pdf_bytes(html_text: str, chromium: str = CHROMIUM, seconds: float = 120) -> bytes:
    """The pack printed to PDF (the dashboard's download: made in a temporary folder, nothing left behind)."""
    with tempfile.TemporaryDirectory(prefix="unitload-pdf-") as work:
        out = Path(work) / "pack.pdf"
        to_pdf(html_text, out, chromium, seconds)
        return out.read_bytes()


def to_pdf(html_text: str, out: Path, chromium: str = CHROMIUM, seconds: float = 120) -> None:
    """Print the pack to PDF with Debian's Chromium, headless, from a file on this machine (no network)."""
    with tempfile.TemporaryDirectory(prefix="unitload-pack-") as work:
        page = Path(work) / "pack.html"
        page.write_text(html_text, encoding="utf-8")
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={work}/profile",
            "--no-pdf-header-footer",
            "--virtual-time-budget=15000",
            f"--print-to-pdf={out.resolve()}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"Chromium could not print the pack: {(done.stderr or '').strip().splitlines()[-1:]}")
