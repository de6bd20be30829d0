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
stays as (
    select
        e.exhibit_id,
        e.priority,
        e.submitted_on,
        unnest([
            {'stage': 'awaiting_triage', 'stage_order': 1, 'entered_on': e.submitted_on,
             'left_on': coalesce(e.triaged_on, e.download_started_on, e.download_completed_on, e.examined_on),
             'present': true},
            {'stage': 'awaiting_download', 'stage_order': 2, 'entered_on': e.triaged_on,
             'left_on': coalesce(e.download_started_on, e.download_completed_on, e.examined_on),
             'present': e.triaged_on is not null},
            {'stage': 'downloading', 'stage_order': 3, 'entered_on': e.download_started_on,
             'left_on': coalesce(e.download_completed_on, e.examined_on), 'present': e.download_started_on is not null},
            {'stage': 'awaiting_examination', 'stage_order': 4, 'entered_on': e.download_completed_on,
             'left_on': e.examined_on, 'present': e.download_completed_on is not null}
        ]) as s
    from exhibit_dates as e
    -- every left_on is one of these four dates, so an item with none in the window has no exit in it
    -- (and its last event is in the window too: that test skips the stored blocks of older items)
    where e.last_event_on > cast($as_of as date) - cast(7 * $throughput_weeks as integer)
        and len(list_filter(
            [e.triaged_on, e.download_started_on, e.download_completed_on, e.examined_on],
            lambda d: d > cast($as_of as date) - cast(7 * $throughput_weeks as integer) and d <= cast($as_of as date)
        )) > 0
        and in_exhibit_scope(
            e.unit, e.priority, e.device_type,
            cast($units as varchar[]), cast($priorities as varchar[]), cast($device_types as varchar[])
        )
),

final as (
    select
        exhibit_id,
        priority,
        s.stage,
        s.stage_order,
        s.entered_on,
        s.left_on,
        s.left_on - s.entered_on as days_in_stage,
        s.left_on - submitted_on as days_from_submission
    from stays
    where s.present
        and s.left_on > cast($as_of as date) - cast(7 * $throughput_weeks as integer)
        and s.left_on <= cast($as_of as date)
)

select * from final
order by stage_order, left_on, exhibit_id
