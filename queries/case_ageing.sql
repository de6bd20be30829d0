-- purpose: Every open case at the as-of day with what its ageing chart and lists need: days since
--   progress and its age band, review, inheritance, who holds it, and its oldest device waiting in
--   the forensic queue.
-- grain: one row per case open on $as_of within the chosen units and teams (unallocated cases count
--   under no team, so a team filter leaves them out)
-- uses: case_progress, forensic_queue
-- parameters:
--   $age_bands  INTEGER[]  upper bounds of the age bands of days since progress
--   $units      VARCHAR[]  units to include; null for every unit
--   $teams      VARCHAR[]  teams to include; null for every team
-- columns:
--   case_id                case key
--   officer_id             officer in charge; null when unallocated
--   unit                   unit of the case
--   oic_team               team of the officer in charge
--   risk_grade             very_high, high, medium or low
--   weight                 the case weight used
--   opened_on              day the case was opened
--   days_open              $as_of - opened_on
--   last_progress_on       latest progressing action on or before $as_of
--   last_progress_type     its type(s)
--   days_since_progress    as case_progress
--   unprogressed           as case_progress
--   age_band               band of days_since_progress among age_bands, e.g. "29-90 days"
--   age_band_index         0 for the first band, rising
--   last_review_on         as case_progress
--   days_since_review      as case_progress
--   review_overdue         as case_progress
--   inherited              as case_progress
--   assignment_reason      reason of the current assignment
--   assigned_from          first day of the current assignment
--   days_inherited         as case_progress
--   inherited_stall_days   as case_progress
--   oic_absent             as case_progress
--   oic_long_term_absent   as case_progress
--   oic_absence_kind       as case_progress
--   oic_absent_since       as case_progress
--   oic_absent_until       as case_progress
--   oic_left               as case_progress
--   unallocated            as case_progress
--   forensic_pending       devices of the case in the forensic queue on $as_of
--   oldest_forensic_stage  stage of the oldest of them
--   oldest_forensic_days   age_days of the oldest of them
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
        c.officer_id,
        c.unit,
        c.oic_team,
        c.risk_grade,
        c.weight,
        c.opened_on,
        c.days_open,
        c.last_progress_on,
        c.last_progress_type,
        c.days_since_progress,
        c.unprogressed,
        band_label(band_index(c.days_since_progress, $age_bands), $age_bands) as age_band,
        band_index(c.days_since_progress, $age_bands) as age_band_index,
        c.last_review_on,
        c.days_since_review,
        c.review_overdue,
        c.inherited,
        c.assignment_reason,
        c.assigned_from,
        c.days_inherited,
        c.inherited_stall_days,
        c.oic_absent,
        c.oic_long_term_absent,
        c.oic_absence_kind,
        c.oic_absent_since,
        c.oic_absent_until,
        c.oic_left,
        c.unallocated,
        coalesce(p.forensic_pending, 0) as forensic_pending,
        p.oldest_forensic_stage,
        p.oldest_forensic_days
    from case_progress as c
    left join pending as p on p.case_id = c.case_id
    where c.month_index = 0 and in_scope(c.unit, c.oic_team, cast($units as varchar[]), cast($teams as varchar[]))
)

select * from final
order by days_since_progress desc, case_id
