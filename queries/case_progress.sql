-- purpose: Progress of every open case on the as-of day D: its officer in charge (OIC), last
--   progressing action and last supervisory review, exactly as DATA_CONTRACT.md section 3 defines them.
-- grain: one row per case open on $as_of (opened_on <= D and (closed_on is null or closed_on > D))
-- parameters:
--   $as_of                DATE      the as-of day D
--   $risk_grades          VARCHAR[] risk grades, in the order of $risk_weights
--   $risk_weights         DOUBLE[]  weight per risk grade
--   $complexity_levels    INTEGER[] complexity levels, in the order of $complexity_factors
--   $complexity_factors   DOUBLE[]  factor per complexity level
--   $progressing_actions  VARCHAR[] action types that count as progress
--   $stale_days           INTEGER   more days than this without progress = unprogressed
--   $review_days          INTEGER   more days than this without a supervisory_review = review overdue
-- columns:
--   case_id              case key
--   officer_id           OIC on D; null when the case is unallocated
--   opened_on            day the case was opened
--   weight               cases.weight when present, else risk weight x complexity factor
--   last_progress_on     latest action_on <= D among progressing actions; null when none
--   days_since_progress  D - last_progress_on, or D - opened_on when there is none
--   unprogressed         days_since_progress > stale_days
--   last_review_on       latest supervisory_review on or before D; null when none
--   days_since_review    D - last_review_on, or D - opened_on when there is none
--   review_overdue       days_since_review > review_days
--   inherited            the current assignment's reason is reallocation or absence_cover
--   oic_absent           the OIC has an absence with capacity_reduction 1.0 covering D
--   unit                 owning unit of the case
--   oic_team             team of the OIC; null when unallocated
--   risk_grade           very_high, high, medium or low
--   complexity           1 standard, 2 complex, 3 major
--   offence_type         free category
--   days_open            D - opened_on
--   assignment_reason    reason of the current assignment; null when unallocated
--   assigned_from        first day of the current assignment; null when unallocated
--   unallocated          no OIC on D
--   oic_left             the OIC is no longer in post on D (left_on <= D)
with
params as (
    select cast($as_of as date) as d
),

open_cases as (
    select
        c.case_id,
        c.unit,
        c.opened_on,
        c.risk_grade,
        c.complexity,
        c.offence_type,
        case_weight(
            c.weight, c.risk_grade, c.complexity, $risk_grades, $risk_weights, $complexity_levels, $complexity_factors
        ) as weight
    from cases as c, params
    where in_half_open(c.opened_on, c.closed_on, params.d)
),

current_oic as (
    select a.case_id, a.officer_id, a.reason, a.assigned_from
    from assignments as a, params
    where in_half_open(a.assigned_from, a.assigned_to, params.d)
),

last_actions as (
    select
        x.case_id,
        max(x.action_on) filter (where list_contains($progressing_actions, x.action_type)) as last_progress_on,
        max(x.action_on) filter (where x.action_type = 'supervisory_review') as last_review_on
    from actions as x, params
    where x.action_on <= params.d
    group by x.case_id
),

absent_on_d as (
    select distinct a.officer_id
    from absences as a, params
    where in_closed(a.first_day, a.last_day, params.d) and a.capacity_reduction >= 1.0
),

final as (
    select
        c.case_id,
        o.officer_id,
        c.opened_on,
        c.weight,
        x.last_progress_on,
        params.d - coalesce(x.last_progress_on, c.opened_on) as days_since_progress,
        days_since_progress > $stale_days as unprogressed,
        x.last_review_on,
        params.d - coalesce(x.last_review_on, c.opened_on) as days_since_review,
        days_since_review > $review_days as review_overdue,
        coalesce(o.reason in ('reallocation', 'absence_cover'), false) as inherited,
        ab.officer_id is not null as oic_absent,
        c.unit,
        f.team as oic_team,
        c.risk_grade,
        c.complexity,
        c.offence_type,
        params.d - c.opened_on as days_open,
        o.reason as assignment_reason,
        o.assigned_from,
        o.officer_id is null as unallocated,
        coalesce(f.left_on <= params.d, false) as oic_left
    from open_cases as c
    cross join params
    left join current_oic as o on o.case_id = c.case_id
    left join last_actions as x on x.case_id = c.case_id
    left join absent_on_d as ab on ab.officer_id = o.officer_id
    left join officers as f on f.officer_id = o.officer_id
)

select * from final
order by case_id
