-- purpose: One officer's open cases at the as-of day with what holds each one up: days since progress,
--   whether it was inherited, and the devices still waiting in the forensic queue.
-- grain: one row per case open on $as_of whose officer in charge is $officer_id
-- uses: case_ageing
-- parameters:
--   $officer_id  VARCHAR  the officer
-- columns:
--   case_id                  case key
--   risk_grade               very_high, high, medium or low
--   weight                   the case weight used
--   opened_on                day the case was opened
--   days_open                $as_of - opened_on
--   last_progress_on         latest progressing action on or before $as_of
--   last_progress_type       its type(s)
--   days_since_progress      as case_progress
--   unprogressed             as case_progress
--   days_since_review        as case_progress
--   review_overdue           as case_progress
--   inherited                as case_progress
--   assignment_reason        reason of the current assignment
--   assigned_from            first day of the current assignment
--   inherited_stall_days     as case_progress
--   forensic_pending         exhibits of the case in the forensic queue on $as_of
--   oldest_forensic_stage    stage of the oldest of them
--   oldest_forensic_days     age_days of the oldest of them
with
final as (
    select
        case_id,
        risk_grade,
        weight,
        opened_on,
        days_open,
        last_progress_on,
        last_progress_type,
        days_since_progress,
        unprogressed,
        days_since_review,
        review_overdue,
        inherited,
        assignment_reason,
        assigned_from,
        inherited_stall_days,
        forensic_pending,
        oldest_forensic_stage,
        oldest_forensic_days
    from case_ageing
    where officer_id = $officer_id
)

select * from final
order by days_since_progress desc, case_id
