-- purpose: One officer's open cases at the as-of day with what holds each one up: days since progress,
--   whether it was inherited, and the devices still waiting in the forensic queue.
-- grain: one row per case open on $as_of whose officer in charge is $officer_id
-- uses: case_progress, forensic_queue
-- parameters:
--   $officer_id  VARCHAR  the officer
-- columns:
--   case_id                  case key
--   risk_grade               very_high, high, medium or low
--   complexity               1 standard, 2 complex, 3 major
--   weight                   the case weight used
--   opened_on                day the case was opened
--   days_open                $as_of - opened_on
--   last_progress_on         latest progressing action on or before $as_of
--   days_since_progress      as case_progress
--   unprogressed             as case_progress
--   days_since_review        as case_progress
--   review_overdue           as case_progress
--   inherited                as case_progress
--   assignment_reason        reason of the current assignment
--   assigned_from            first day of the current assignment
--   forensic_pending         exhibits of the case in the forensic queue on $as_of
--   oldest_forensic_stage    stage of the oldest of them
--   oldest_forensic_days     age_days of the oldest of them
with
pending as (
    select
        case_id,
        count(*) as forensic_pending,
        arg_max(stage, age_days) as oldest_forensic_stage,
        max(age_days) as oldest_forensic_days
    from forensic_queue
    where month_index = 0
    group by case_id
),

final as (
    select
        c.case_id,
        c.risk_grade,
        c.complexity,
        c.weight,
        c.opened_on,
        c.days_open,
        c.last_progress_on,
        c.days_since_progress,
        c.unprogressed,
        c.days_since_review,
        c.review_overdue,
        c.inherited,
        c.assignment_reason,
        c.assigned_from,
        coalesce(p.forensic_pending, 0) as forensic_pending,
        p.oldest_forensic_stage,
        p.oldest_forensic_days
    from case_progress as c
    left join pending as p on p.case_id = c.case_id
    where c.month_index = 0 and c.officer_id = $officer_id
)

select * from final
order by days_since_progress desc, case_id
