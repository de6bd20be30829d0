-- purpose: Weekly flow of the forensic queue over a window ending at the as-of day: arrivals,
--   downloads completed, examinations reported, withdrawals, the backlog at each week end, and the
--   cumulative counts of items that had reached each stage (the bands of a cumulative flow diagram).
-- grain: one row per week ending on $as_of - 7k, k = 0 .. $weeks - 1 (a week is the 7 days up to
--   and including its week end)
-- parameters:
--   $as_of         DATE       the as-of day, the last week end
--   $weeks         INTEGER    weeks in the window
--   $units         VARCHAR[]  units to include (of the case); null for every unit
--   $priorities    VARCHAR[]  priorities to include; null for all
--   $device_types  VARCHAR[]  device types to include; null for all
-- columns:
--   week_end              last day of the week
--   week_index            0 for the week ending on $as_of, rising into the past
--   arrivals              exhibits submitted in the week
--   downloads_completed   downloads completed in the week
--   examined              examinations reported in the week
--   withdrawn             exhibits withdrawn in the week
--   completions           examined + withdrawn: items that left the queue in the week
--   net_flow              arrivals - completions
--   backlog               exhibits in the queue at the week end
--   reached_submitted     cumulative: submitted on or before the week end
--   reached_triaged       cumulative: triaged (or a later stage) on or before the week end
--   reached_download      cumulative: download started (or later)
--   reached_downloaded    cumulative: download completed (or later)
--   reached_done          cumulative: examined or withdrawn
with
items as (
    select
        e.submitted_on,
        coalesce(e.triaged_on, e.download_started_on, e.download_completed_on, e.examined_on) as triaged,
        coalesce(e.download_started_on, e.download_completed_on, e.examined_on) as started,
        coalesce(e.download_completed_on, e.examined_on) as downloaded,
        e.download_completed_on,
        e.examined_on,
        e.withdrawn_on,
        least(e.examined_on, e.withdrawn_on) as done
    from scoped_exhibits(cast($units as varchar[]), cast($priorities as varchar[]), cast($device_types as varchar[])) as e
),

weeks as (
    select week_index, week_end from week_ends($as_of, $weeks)
),

final as (
    select
        w.week_end,
        w.week_index,
        count(*) filter (where i.submitted_on > w.week_end - 7 and i.submitted_on <= w.week_end) as arrivals,
        count(*) filter (where i.download_completed_on > w.week_end - 7 and i.download_completed_on <= w.week_end)
            as downloads_completed,
        count(*) filter (where i.examined_on > w.week_end - 7 and i.examined_on <= w.week_end) as examined,
        count(*) filter (where i.withdrawn_on > w.week_end - 7 and i.withdrawn_on <= w.week_end) as withdrawn,
        count(*) filter (where i.done > w.week_end - 7 and i.done <= w.week_end) as completions,
        arrivals - completions as net_flow,
        count(*) filter (where i.submitted_on <= w.week_end and not coalesce(i.done <= w.week_end, false))
            as backlog,
        count(*) filter (where i.submitted_on <= w.week_end) as reached_submitted,
        count(*) filter (where least(i.triaged, i.done) <= w.week_end) as reached_triaged,
        count(*) filter (where least(i.started, i.done) <= w.week_end) as reached_download,
        count(*) filter (where least(i.downloaded, i.done) <= w.week_end) as reached_downloaded,
        count(*) filter (where i.done <= w.week_end) as reached_done
    from weeks as w
    left join items as i on true  -- a week with no items still has its row
    group by w.week_end, w.week_index
)

select * from final
order by week_end
