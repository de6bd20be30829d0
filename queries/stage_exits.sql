-- purpose: Every time an exhibit left a forensic stage during the trailing window, with how long after
--   submission it left: the "usual pace" behind the ageing chart's percentile lines. A stage entered
--   and left on the same day is a stay of 0 days; a stage skipped (its date missing) is no stay.
-- grain: one row per exhibit per stage it left on a day in ($as_of - 7 x $throughput_weeks, $as_of]
-- uses: exhibit_dates
-- parameters:
--   $as_of             DATE       the as-of day
--   $throughput_weeks  INTEGER    the trailing window, in weeks
--   $units             VARCHAR[]  units to include (of the case); null for every unit
--   $priorities        VARCHAR[]  priorities to include; null for all
--   $device_types      VARCHAR[]  device types to include; null for all
-- columns:
--   exhibit_id           exhibit key
--   priority             urgent, high, standard or low
--   stage                the stage left
--   stage_order          1 awaiting_triage to 4 awaiting_examination
--   entered_on           day it entered the stage
--   left_on              day it left the stage (the next stage date present, or examined/withdrawn)
--   days_in_stage        left_on - entered_on
--   days_from_submission left_on - submitted_on
with
-- every left_on is one of the four later dates, so an item with no exit in the window has its last event
-- before it: that test skips the stored blocks of older items
recent as (
    select
        e.exhibit_id,
        e.priority,
        e.submitted_on,
        e.triaged_on,
        e.download_started_on,
        e.download_completed_on,
        e.examined_on
    from exhibit_dates as e
    where e.last_event_on > cast($as_of as date) - cast(7 * $throughput_weeks as integer)
        and in_exhibit_scope(
            e.unit, e.priority, e.device_type,
            cast($units as varchar[]), cast($priorities as varchar[]), cast($device_types as varchar[])
        )
),

-- each stage entered: left on the next stage date present (or examined); a stage skipped is no stay
stays as (
    select
        exhibit_id, priority, submitted_on, 'awaiting_triage' as stage, 1 as stage_order, submitted_on as entered_on,
        coalesce(triaged_on, download_started_on, download_completed_on, examined_on) as left_on
    from recent
    union all
    select
        exhibit_id, priority, submitted_on, 'awaiting_download' as stage, 2 as stage_order, triaged_on as entered_on,
        coalesce(download_started_on, download_completed_on, examined_on) as left_on
    from recent
    where triaged_on is not null
    union all
    select
        exhibit_id, priority, submitted_on, 'downloading' as stage, 3 as stage_order,
        download_started_on as entered_on, coalesce(download_completed_on, examined_on) as left_on
    from recent
    where download_started_on is not null
    union all
    select
        exhibit_id, priority, submitted_on, 'awaiting_examination' as stage, 4 as stage_order,
        download_completed_on as entered_on, examined_on as left_on
    from recent
    where download_completed_on is not null
),

final as (
    select
        exhibit_id,
        priority,
        stage,
        stage_order,
        entered_on,
        left_on,
        left_on - entered_on as days_in_stage,
        left_on - submitted_on as days_from_submission
    from stays
    where left_on > cast($as_of as date) - cast(7 * $throughput_weeks as integer)
        and left_on <= cast($as_of as date)
)

select * from final
order by stage_order, left_on, exhibit_id
