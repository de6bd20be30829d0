-- purpose: Progress of every open case on the as-of day D: its officer in charge (OIC), last
--   progressing action and last supervisory review, exactly as DATA_CONTRACT.md section 3 defines them.
-- grain: one row per case open on D (opened_on <= D and (closed_on is null or closed_on > D)) per day D
--   of the calendar: $as_of and the $months - 1 month ends before it (one day, $as_of, by default)
-- parameters:
--   $as_of                DATE      the as-of day D (the latest day of the calendar)
--   $months               INTEGER   how many days D: $as_of, then the month ends before it
--   $risk_grades          VARCHAR[] risk grades, in the order of $risk_weights
--   $risk_weights         DOUBLE[]  weight per risk grade
--   $complexity_levels    INTEGER[] complexity levels, in the order of $complexity_factors
--   $complexity_factors   DOUBLE[]  factor per complexity level
--   $progressing_actions  VARCHAR[] action types that count as progress
--   $stale_days           INTEGER   more days than this without progress = unprogressed
--   $review_days          INTEGER   more days than this without a supervisory_review = review overdue
--   $long_absence_days    INTEGER   an absence spell this many calendar days long, or longer, is long-term
--   $reducing_kinds       VARCHAR[] absence kinds that reduce capacity from their first day
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
--   oic_long_term_absent the OIC is long-term absent on D (availability 0: a reducing row with
--                        capacity_reduction 1.0 covers D; officer_load's long_term_absent)
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
--   last_progress_type   type(s) of the progressing action(s) on last_progress_on
--   days_inherited       D - assigned_from for an inherited case; null otherwise
--   inherited_stall_days for an inherited case, days with its current holder without progress:
--                        D - the later of assigned_from and last_progress_on; null otherwise
--   oic_absence_kind     when the OIC is absent, the kind of their absence (officer_load's absence_kind)
--   oic_absent_since     when the OIC is absent, the first day of their absence spell
--   oic_absent_until     when the OIC is absent, the last day of that spell; null when ongoing
--   as_of                the day D of this row
--   month_index          0 for $as_of, 1 for the month end before it, and so on
with
calendar as (
    select month_index, d from month_ends($as_of, $months)
),

open_cases as (
    select
        cal.d,
        cal.month_index,
        c.case_id,
        c.unit,
        c.opened_on,
        c.risk_grade,
        c.complexity,
        c.offence_type,
        case_weight(
            c.weight, c.risk_grade, c.complexity, $risk_grades, $risk_weights, $complexity_levels, $complexity_factors
        ) as weight
    from cases as c
    join calendar as cal on in_half_open(c.opened_on, c.closed_on, cal.d)
),

current_oic as (
    select cal.d, a.case_id, a.officer_id, a.reason, a.assigned_from
    from assignments as a
    join calendar as cal on in_half_open(a.assigned_from, a.assigned_to, cal.d)
),

-- the progressing actions and supervisory reviews of each case open on D, up to D (joining the open
-- cases first reads the actions of a few thousand cases, not all of them)
case_actions as (
    select
        c.d,
        a.case_id,
        a.action_on,
        a.action_type,
        list_contains($progressing_actions, a.action_type) as progressing,
        a.action_type = 'supervisory_review' as review
    from open_cases as c
    join actions as a on a.case_id = c.case_id and a.action_on <= c.d
    where list_contains($progressing_actions, a.action_type) or a.action_type = 'supervisory_review'
),

latest as (
    select
        d,
        case_id,
        max(action_on) filter (where progressing) as last_progress_on,
        max(action_on) filter (where review) as last_review_on
    from case_actions
    group by d, case_id
),

latest_types as (
    select l.d, l.case_id, string_agg(distinct a.action_type, ', ' order by a.action_type) as action_types
    from latest as l
    join case_actions as a on a.d = l.d and a.case_id = l.case_id and a.action_on = l.last_progress_on
    where a.progressing
    group by l.d, l.case_id
),

absence as (
    select * from absence_on($as_of, $months, $long_absence_days, $reducing_kinds)
),

final as (
    select
        c.case_id,
        o.officer_id,
        c.opened_on,
        c.weight,
        l.last_progress_on,
        c.d - coalesce(l.last_progress_on, c.opened_on) as days_since_progress,
        days_since_progress > $stale_days as unprogressed,
        l.last_review_on,
        c.d - coalesce(l.last_review_on, c.opened_on) as days_since_review,
        days_since_review > $review_days as review_overdue,
        coalesce(o.reason in ('reallocation', 'absence_cover'), false) as inherited,
        coalesce(ab.absent, false) as oic_absent,
        coalesce(ab.long_term_absent, false) as oic_long_term_absent,
        c.unit,
        f.team as oic_team,
        c.risk_grade,
        c.complexity,
        c.offence_type,
        c.d - c.opened_on as days_open,
        o.reason as assignment_reason,
        o.assigned_from,
        o.officer_id is null as unallocated,
        coalesce(f.left_on <= c.d, false) as oic_left,
        t.action_types as last_progress_type,
        case when inherited then c.d - o.assigned_from end as days_inherited,
        case when inherited then c.d - greatest(o.assigned_from, coalesce(l.last_progress_on, o.assigned_from)) end
            as inherited_stall_days,
        ab.absence_kind as oic_absence_kind,
        ab.absent_since as oic_absent_since,
        case when ab.absent then ab.spell_to end as oic_absent_until,
        c.d as as_of,
        c.month_index
    from open_cases as c
    left join latest as l on l.d = c.d and l.case_id = c.case_id
    left join latest_types as t on t.d = c.d and t.case_id = c.case_id
    left join current_oic as o on o.d = c.d and o.case_id = c.case_id
    left join absence as ab on ab.as_of = c.d and ab.officer_id = o.officer_id
    left join officers as f on f.officer_id = o.officer_id
)

select * from final
order by case_id, as_of
