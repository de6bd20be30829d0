-- purpose: Weighted caseload of each officer against FTE-adjusted capacity on the as-of day D,
--   exactly as DATA_CONTRACT.md section 3 defines availability, fte, capacity and load.
-- grain: one row per officer in post on D (joined_on <= D and (left_on is null or left_on > D)) per day D
--   of the calendar: $as_of and the $months - 1 month ends before it (one day, $as_of, by default)
-- parameters:
--   $as_of               DATE      the as-of day D (the latest day of the calendar)
--   $months              INTEGER   how many days D: $as_of, then the month ends before it
--   $full_time_hours     DOUBLE    hours per week of 1.0 FTE
--   $points_per_fte      DOUBLE    weighted load one full-time, fully available person carries at 100 %
--   $overload_pct        DOUBLE    load_pct above this is overload
--   $risk_grades         VARCHAR[] risk grades, in the order of $risk_weights
--   $risk_weights        DOUBLE[]  weight per risk grade
--   $complexity_levels   INTEGER[] complexity levels, in the order of $complexity_factors
--   $complexity_factors  DOUBLE[]  factor per complexity level
-- columns:
--   officer_id           officer key
--   team                 the officer's team
--   fte                  contracted hours on D / full_time_hours (0 when no contract covers D)
--   availability         1 - lost_days / working_days over the period P (0 when working_days is 0)
--   capacity_points      points_per_fte x fte x availability
--   open_cases           cases open on D whose officer in charge on D is this officer
--   weighted_load        sum of the case weights of those cases
--   load_pct             100 x weighted_load / capacity_points; null when capacity_points is 0
--   overloaded           load_pct > overload_pct (false when load_pct is null)
--   part_time_full_load  fte < 1 and weighted_load >= points_per_fte
--   absent               an absence with capacity_reduction 1.0 covers D
--   unit                 the officer's unit
--   role                 investigator, supervisor, manager, forensic_examiner or other
--   caseholder           an investigator, or holding at least one open case: whose capacity the unit's
--                        load is measured against (a manager or examiner with no cases is not)
--   contracted_hours     contracted hours per week on D (0 when no contract covers D)
--   working_days         Monday to Friday days of P on which the officer is in post
--   lost_days            sum over those days of the day's largest capacity reduction
--   lost_leave_days      lost_days whose largest reduction was annual_leave or parental leave
--   lost_sickness_days   lost_days whose largest reduction was sickness or long_term_sickness
--   lost_restricted_days lost_days whose largest reduction was restricted_duties
--   lost_other_days      lost_days whose largest reduction was training, secondment or other
--   as_of                the day D of this row
--   month_index          0 for $as_of, 1 for the month end before it, and so on
with
calendar as (
    select month_index, d from month_ends($as_of, $months)
),

in_post as (
    select cal.d, cal.month_index, o.officer_id, o.unit, o.team, o.role, o.joined_on, o.left_on
    from officers as o
    join calendar as cal on in_half_open(o.joined_on, o.left_on, cal.d)
),

period_weekdays as (
    -- working days of each period P: the month of D up to and including D
    select cal.d, cast(t.day as date) as day
    from calendar as cal, range(cast(date_trunc('month', cal.d) as date), cal.d + interval 1 day, interval 1 day) as t(day)
    where isodow(t.day) <= 5
),

working as (
    select i.d, i.officer_id, w.day
    from in_post as i
    join period_weekdays as w on w.d = i.d and in_half_open(i.joined_on, i.left_on, w.day)
),

day_reductions as (
    -- overlapping absences: the day loses the largest reduction, never more than 1
    -- (the kind of the largest reduction says why the day was lost; ties go to the kind last by name)
    select
        w.d,
        w.officer_id,
        w.day,
        least(1.0, max(a.capacity_reduction)) as reduction,
        arg_max(a.kind, (a.capacity_reduction, a.kind)) as kind
    from working as w
    join absences as a on a.officer_id = w.officer_id and in_closed(a.first_day, a.last_day, w.day)
    group by w.d, w.officer_id, w.day
),

period_availability as (
    select
        w.d,
        w.officer_id,
        count(*) as working_days,
        coalesce(sum(r.reduction), 0.0) as lost_days,
        coalesce(sum(r.reduction) filter (where r.kind in ('annual_leave', 'parental')), 0.0) as lost_leave_days,
        coalesce(sum(r.reduction) filter (where r.kind in ('sickness', 'long_term_sickness')), 0.0)
            as lost_sickness_days,
        coalesce(sum(r.reduction) filter (where r.kind = 'restricted_duties'), 0.0) as lost_restricted_days,
        coalesce(sum(r.reduction) filter (where r.kind in ('training', 'secondment', 'other')), 0.0)
            as lost_other_days
    from working as w
    left join day_reductions as r on r.d = w.d and r.officer_id = w.officer_id and r.day = w.day
    group by w.d, w.officer_id
),

contract_on_d as (
    select cal.d, c.officer_id, max(c.contracted_hours) as contracted_hours
    from contracts as c
    join calendar as cal on in_half_open(c.valid_from, c.valid_to, cal.d)
    group by cal.d, c.officer_id
),

open_case_weights as (
    select
        cal.d,
        c.case_id,
        case_weight(
            c.weight, c.risk_grade, c.complexity, $risk_grades, $risk_weights, $complexity_levels, $complexity_factors
        ) as weight
    from cases as c
    join calendar as cal on in_half_open(c.opened_on, c.closed_on, cal.d)
),

holdings as (
    select w.d, a.officer_id, count(*) as open_cases, sum(w.weight) as weighted_load
    from open_case_weights as w
    join assignments as a on a.case_id = w.case_id and in_half_open(a.assigned_from, a.assigned_to, w.d)
    group by w.d, a.officer_id
),

absent_on_d as (
    select d, officer_id from absent_on($as_of, $months)
),

measured as (
    select
        i.d,
        i.month_index,
        i.officer_id,
        i.team,
        i.unit,
        i.role,
        coalesce(c.contracted_hours, 0.0) as contracted_hours,
        coalesce(c.contracted_hours, 0.0) / $full_time_hours as fte,
        coalesce(p.working_days, 0) as working_days,
        coalesce(p.lost_days, 0.0) as lost_days,
        coalesce(p.lost_leave_days, 0.0) as lost_leave_days,
        coalesce(p.lost_sickness_days, 0.0) as lost_sickness_days,
        coalesce(p.lost_restricted_days, 0.0) as lost_restricted_days,
        coalesce(p.lost_other_days, 0.0) as lost_other_days,
        case when coalesce(p.working_days, 0) = 0 then 0.0
            else 1.0 - p.lost_days / p.working_days end as availability,
        coalesce(h.open_cases, 0) as open_cases,
        coalesce(h.weighted_load, 0.0) as weighted_load,
        ab.officer_id is not null as absent
    from in_post as i
    left join contract_on_d as c on c.d = i.d and c.officer_id = i.officer_id
    left join period_availability as p on p.d = i.d and p.officer_id = i.officer_id
    left join holdings as h on h.d = i.d and h.officer_id = i.officer_id
    left join absent_on_d as ab on ab.d = i.d and ab.officer_id = i.officer_id
),

final as (
    select
        officer_id,
        team,
        fte,
        availability,
        $points_per_fte * fte * availability as capacity_points,
        open_cases,
        weighted_load,
        case when capacity_points > 0 then 100.0 * weighted_load / capacity_points end as load_pct,
        coalesce(load_pct > $overload_pct, false) as overloaded,
        fte < 1 and weighted_load >= $points_per_fte as part_time_full_load,
        absent,
        unit,
        role,
        role = 'investigator' or open_cases > 0 as caseholder,
        contracted_hours,
        working_days,
        lost_days,
        lost_leave_days,
        lost_sickness_days,
        lost_restricted_days,
        lost_other_days,
        d as as_of,
        month_index
    from measured
)

select * from final
order by officer_id, as_of
