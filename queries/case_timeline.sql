-- purpose: One case's history on a single time axis for a supervision meeting: its actions by type,
--   each officer in charge with the reason they took it, those officers' absences while they held it,
--   and each device's time in each forensic stage.
-- grain: one row per action, assignment, absence overlapping an assignment, or exhibit stage of
--   $case_id that starts on or before $as_of
-- parameters:
--   $case_id  VARCHAR  the case
--   $as_of    DATE     the as-of day: nothing after it is shown, and open spans end there
-- columns:
--   lane         the row of the chart: "actions", "officer in charge", "absence of officer in charge",
--                or "device <exhibit_id>"
--   item         the action type, officer id, absence kind or forensic stage
--   starts_on    first day
--   ends_before  the day after the last day (exclusive); equals starts_on + 1 for an action
--   detail       words for the hover: reason of an assignment, who acted, a device's type and priority
with
params as (
    select cast($as_of as date) as d, cast($case_id as varchar) as case_id
),

case_actions as (
    select
        'actions' as lane,
        x.action_type as item,
        x.action_on as starts_on,
        x.action_on + 1 as ends_before,
        'by ' || x.officer_id as detail
    from actions as x, params
    where x.case_id = params.case_id and x.action_on <= params.d
),

holders as (
    select
        'officer in charge' as lane,
        a.officer_id as item,
        a.assigned_from as starts_on,
        least(coalesce(a.assigned_to, params.d + 1), params.d + 1) as ends_before,
        'took the case: ' || replace(a.reason, '_', ' ') as detail
    from assignments as a, params
    where a.case_id = params.case_id and a.assigned_from <= params.d
),

holder_absences as (
    -- the part of each absence that falls while that officer held the case
    select
        'absence of officer in charge' as lane,
        b.kind as item,
        greatest(b.first_day, h.starts_on) as starts_on,
        least(coalesce(b.last_day + 1, params.d + 1), h.ends_before) as ends_before,
        h.item || ', ' || printf('%.0f %%', 100 * b.capacity_reduction) || ' of each day' as detail
    from holders as h
    join absences as b on b.officer_id = h.item
    cross join params
    where b.first_day < h.ends_before and coalesce(b.last_day + 1, params.d + 1) > h.starts_on
),

stage_starts as (
    select
        e.exhibit_id,
        e.device_type,
        e.priority,
        unnest([
            {'stage': 'awaiting triage', 'day': e.submitted_on, 'step': 0},
            {'stage': 'awaiting download', 'day': e.triaged_on, 'step': 1},
            {'stage': 'downloading', 'day': e.download_started_on, 'step': 2},
            {'stage': 'awaiting examination', 'day': e.download_completed_on, 'step': 3},
            {'stage': 'examined', 'day': e.examined_on, 'step': 4},
            {'stage': 'withdrawn', 'day': e.withdrawn_on, 'step': 5}
        ]) as s
    from exhibits as e, params
    where e.case_id = params.case_id
),

stages as (
    select
        'device ' || exhibit_id as lane,
        s.stage as item,
        s.day as starts_on,
        device_type,
        priority,
        lead(s.day) over (partition by exhibit_id order by s.day, s.step) as next_day
    from stage_starts, params
    where s.day is not null and s.day <= params.d
),

device_stages as (
    select
        lane,
        item,
        starts_on,
        case when item in ('examined', 'withdrawn') then starts_on + 1
            else coalesce(next_day, params.d + 1) end as ends_before,
        device_type || ', ' || priority || ' priority' as detail
    from stages, params
    where item in ('examined', 'withdrawn') or coalesce(next_day, params.d + 1) > starts_on
),

final as (
    select * from case_actions
    union all select * from holders
    union all select * from holder_absences
    union all select * from device_stages
)

select * from final
order by lane, starts_on, item
