-- purpose: Weekly flow of the forensic queue over a window ending at the as-of day: arrivals,
--   downloads completed, examinations reported, withdrawals, the backlog at each week end, and the
--   cumulative counts of items that had reached each stage (the bands of a cumulative flow diagram).
-- grain: one row per week ending on $as_of - 7k, k = 0 .. $weeks - 1 (a week is the 7 days up to
--   and including its week end)
-- uses: exhibit_dates
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
--   completions           items that left the queue in the week: examined or withdrawn (an item with
--                         both dates counts once, on the earlier)
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
    from exhibit_dates as e
    where e.last_event_on > cast($as_of as date) - cast(7 * $weeks as integer)
        and in_exhibit_scope(
            e.unit, e.priority, e.device_type,
            cast($units as varchar[]), cast($priorities as varchar[]), cast($device_types as varchar[])
        )
),

-- the day each item reached each point (null: not reached)
dates as materialized (  -- computed once for the nine counts that read it
    select
        submitted_on,
        download_completed_on,
        examined_on,
        withdrawn_on,
        done,
        least(triaged, done) as triaged_by,
        least(started, done) as started_by,
        least(downloaded, done) as downloaded_by,
        -- submitted and done both by the day (greatest() would skip a null done)
        case when done is not null then greatest(submitted_on, done) end as submitted_and_done
    from items
),

-- an item whose every date is on or before the oldest week began (most of a long history) has all its
-- points in the shared oldest bucket (k = $weeks): counted once, without working out its weeks
settled as (
    select
        count(*) as submitted,
        count(e.download_completed_on) as download_completed,
        count(e.examined_on) as examined,
        count(e.withdrawn_on) as withdrawn,
        count(*) filter (where e.examined_on is not null or e.withdrawn_on is not null) as done,
        count(*) filter (where e.triaged_on is not null or e.download_started_on is not null
            or e.download_completed_on is not null or e.examined_on is not null or e.withdrawn_on is not null)
            as triaged,
        count(*) filter (where e.download_started_on is not null or e.download_completed_on is not null
            or e.examined_on is not null or e.withdrawn_on is not null) as started,
        count(*) filter (where e.download_completed_on is not null or e.examined_on is not null
            or e.withdrawn_on is not null) as downloaded,
        count(*) filter (where e.examined_on is not null or e.withdrawn_on is not null) as submitted_and_done
    from exhibit_dates as e
    where e.last_event_on <= cast($as_of as date) - cast(7 * $weeks as integer)
        and in_exhibit_scope(
            e.unit, e.priority, e.device_type,
            cast($units as varchar[]), cast($priorities as varchar[]), cast($device_types as varchar[])
        )
),

-- how many items reached each point in each week: week k ends at $as_of - 7k, and everything before
-- the oldest week shares one bucket (k = $weeks), so "reached by week k" sums buckets k and older
-- (one pass over the items per point, not one per week)
buckets as (
    select 'submitted' as kind, week_bucket(submitted_on, $as_of, $weeks) as k, count(*) as n
    from dates where submitted_on <= $as_of group by all
    union all
    select 'download_completed' as kind, week_bucket(download_completed_on, $as_of, $weeks) as k, count(*) as n
    from dates where download_completed_on <= $as_of group by all
    union all
    select 'examined' as kind, week_bucket(examined_on, $as_of, $weeks) as k, count(*) as n
    from dates where examined_on <= $as_of group by all
    union all
    select 'withdrawn' as kind, week_bucket(withdrawn_on, $as_of, $weeks) as k, count(*) as n
    from dates where withdrawn_on <= $as_of group by all
    union all
    select 'done' as kind, week_bucket(done, $as_of, $weeks) as k, count(*) as n
    from dates where done <= $as_of group by all
    union all
    select 'triaged' as kind, week_bucket(triaged_by, $as_of, $weeks) as k, count(*) as n
    from dates where triaged_by <= $as_of group by all
    union all
    select 'started' as kind, week_bucket(started_by, $as_of, $weeks) as k, count(*) as n
    from dates where started_by <= $as_of group by all
    union all
    select 'downloaded' as kind, week_bucket(downloaded_by, $as_of, $weeks) as k, count(*) as n
    from dates where downloaded_by <= $as_of group by all
    union all
    select 'submitted_and_done' as kind, week_bucket(submitted_and_done, $as_of, $weeks) as k, count(*) as n
    from dates where submitted_and_done <= $as_of group by all
    union all
    select kind, cast($weeks as bigint) as k, n
    from settled unpivot (n for kind in (
        submitted, download_completed, examined, withdrawn, done, triaged, started, downloaded, submitted_and_done
    ))
),

per_bucket as (
    select
        t.k,
        coalesce(sum(b.n) filter (where b.kind = 'submitted'), 0) as submitted,
        coalesce(sum(b.n) filter (where b.kind = 'download_completed'), 0) as download_completed,
        coalesce(sum(b.n) filter (where b.kind = 'examined'), 0) as examined,
        coalesce(sum(b.n) filter (where b.kind = 'withdrawn'), 0) as withdrawn,
        coalesce(sum(b.n) filter (where b.kind = 'done'), 0) as done,
        coalesce(sum(b.n) filter (where b.kind = 'triaged'), 0) as triaged,
        coalesce(sum(b.n) filter (where b.kind = 'started'), 0) as started,
        coalesce(sum(b.n) filter (where b.kind = 'downloaded'), 0) as downloaded,
        coalesce(sum(b.n) filter (where b.kind = 'submitted_and_done'), 0) as submitted_and_done
    from range(cast($weeks as bigint) + 1) as t(k)
    left join buckets as b on b.k = t.k
    group by t.k
),

-- "reached by week k" sums bucket k and every older one
counted as (
    select
        k,
        submitted as arrivals,
        download_completed as downloads_completed,
        examined,
        withdrawn,
        done as completions,
        sum(submitted) over older as reached_submitted,
        sum(submitted_and_done) over older as submitted_and_done,
        sum(triaged) over older as reached_triaged,
        sum(started) over older as reached_download,
        sum(downloaded) over older as reached_downloaded,
        sum(done) over older as reached_done
    from per_bucket
    window older as (order by k desc rows between unbounded preceding and current row)
),

final as (
    select
        w.week_end,
        w.week_index,
        cast(c.arrivals as bigint) as arrivals,
        cast(c.downloads_completed as bigint) as downloads_completed,
        cast(c.examined as bigint) as examined,
        cast(c.withdrawn as bigint) as withdrawn,
        cast(c.completions as bigint) as completions,
        cast(c.arrivals - c.completions as bigint) as net_flow,
        cast(c.reached_submitted - c.submitted_and_done as bigint) as backlog,
        cast(c.reached_submitted as bigint) as reached_submitted,
        cast(c.reached_triaged as bigint) as reached_triaged,
        cast(c.reached_download as bigint) as reached_download,
        cast(c.reached_downloaded as bigint) as reached_downloaded,
        cast(c.reached_done as bigint) as reached_done
    from week_ends($as_of, $weeks) as w
    join counted as c on c.k = w.week_index
)

select * from final
order by week_end
