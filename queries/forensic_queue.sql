-- purpose: The digital forensic download queue on the as-of day D: each exhibit's stage, given by
--   the latest stage date <= D, and its ages (DATA_CONTRACT.md sections 1 and 3), with its case's
--   unit and the case's officer in charge on D.
-- grain: one row per exhibit in the queue on D (submitted_on <= D, not examined or withdrawn by D) per day D
--   of the calendar: $as_of and the $months - 1 month ends before it (one day, $as_of, by default)
-- parameters:
--   $as_of            DATE     the as-of day D (the latest day of the calendar)
--   $months           INTEGER  how many days D: $as_of, then the month ends before it
-- columns:
--   exhibit_id        exhibit key
--   case_id           case the device was seized for
--   priority          urgent, high, standard or low
--   stage             awaiting_triage, awaiting_download, downloading or awaiting_examination
--   age_days          D - submitted_on
--   stage_age_days    D - the day the exhibit entered its current stage
--   device_type       phone, computer, tablet, storage, cloud_account or other
--   submitted_on      day the exhibit entered the queue
--   stage_entered_on  day the exhibit entered its current stage
--   examiner_id       examiner, when one is assigned
--   unit              unit of the case
--   officer_id        the case's officer in charge on D; null when it has none (or, in a team scope, when
--                     the officer is of another team)
--   oic_team          that officer's team
--   as_of             the day D of this row
--   month_index       0 for $as_of, 1 for the month end before it, and so on
with
calendar as (
    select month_index, d from month_ends($as_of, $months)
),

in_queue as (
    select e.*, cal.d, cal.month_index
    from exhibits as e
    join calendar as cal
        on e.submitted_on <= cal.d
        and not coalesce(e.examined_on <= cal.d, false)
        and not coalesce(e.withdrawn_on <= cal.d, false)
),

staged as (
    -- the furthest stage whose date is on or before D; stages sharing a date resolve to the later one
    select
        *,
        case
            when download_completed_on <= d then 'awaiting_examination'
            when download_started_on <= d then 'downloading'
            when triaged_on <= d then 'awaiting_download'
            else 'awaiting_triage'
        end as stage,
        case
            when download_completed_on <= d then download_completed_on
            when download_started_on <= d then download_started_on
            when triaged_on <= d then triaged_on
            else submitted_on
        end as stage_entered_on
    from in_queue
),

holders as (
    select a.case_id, a.assigned_from, a.assigned_to, a.officer_id, o.team
    from assignments as a
    join officers as o on o.officer_id = a.officer_id
),

final as (
    select
        q.exhibit_id,
        q.case_id,
        q.priority,
        q.stage,
        q.d - q.submitted_on as age_days,
        q.d - q.stage_entered_on as stage_age_days,
        q.device_type,
        q.submitted_on,
        q.stage_entered_on,
        q.examiner_id,
        c.unit,
        h.officer_id,
        h.team as oic_team,
        q.d as as_of,
        q.month_index
    from staged as q
    left join cases as c on c.case_id = q.case_id
    left join holders as h on h.case_id = q.case_id and in_half_open(h.assigned_from, h.assigned_to, q.d)
)

select * from final
order by exhibit_id, as_of
