-- purpose: Weighted caseload of each officer against FTE-adjusted capacity on the as-of day D,
--   exactly as DATA_CONTRACT.md section 3 defines availability, fte, capacity and load.
-- grain: one row per officer in post on $as_of (joined_on <= D and (left_on is null or left_on > D))
-- parameters:
--   $as_of               DATE      the as-of day D
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
--   contracted_hours     contracted hours per week on D (0 when no contract covers D)
--   working_days         Monday to Friday days of P on which the officer is in post
--   lost_days            sum over those days of the day's largest capacity reduction
with
params as (
    select
        cast($as_of as date) as d,
        cast(date_trunc('month', cast($as_of as date)) as date) as period_start
),

in_post as (
    select o.officer_id, o.unit, o.team, o.role, o.joined_on, o.left_on
    from officers as o, params
    where in_half_open(o.joined_on, o.left_on, params.d)
),

period_weekdays as (
    select cast(t.day as date) as day
    from params, range(params.period_start, params.d + interval 1 day, interval 1 day) as t(day)
    where isodow(t.day) <= 5
),

working as (
    select i.officer_id, w.day
    from in_post as i
    join period_weekdays as w
        on in_half_open(i.joined_on, i.left_on, w.day)
),

day_reductions as (
    -- overlapping absences: the day loses the largest reduction, never more than 1
    select w.officer_id, w.day, least(1.0, max(a.capacity_reduction)) as reduction
    from working as w
    join absences as a
        on a.officer_id = w.officer_id and in_closed(a.first_day, a.last_day, w.day)
    group by w.officer_id, w.day
),

period_availability as (
    select w.officer_id, count(*) as working_days, coalesce(sum(r.reduction), 0.0) as lost_days
    from working as w
    left join day_reductions as r on r.officer_id = w.officer_id and r.day = w.day
    group by w.officer_id
),

contract_on_d as (
    select c.officer_id, max(c.contracted_hours) as contracted_hours
    from contracts as c, params
    where in_half_open(c.valid_from, c.valid_to, params.d)
    group by c.officer_id
),

open_case_weights as (
    select
        c.case_id,
        case_weight(
            c.weight, c.risk_grade, c.complexity, $risk_grades, $risk_weights, $complexity_levels, $complexity_factors
        ) as weight
    from cases as c, params
    where in_half_open(c.opened_on, c.closed_on, params.d)
),

holdings as (
    select a.officer_id, count(*) as open_cases, sum(w.weight) as weighted_load
    from open_case_weights as w
    join assignments as a on a.case_id = w.case_id
    cross join params
    where in_half_open(a.assigned_from, a.assigned_to, params.d)
    group by a.officer_id
),

absent_on_d as (
    select distinct a.officer_id
    from absences as a, params
    where in_closed(a.first_day, a.last_day, params.d) and a.capacity_reduction >= 1.0
),

measured as (
    select
        i.officer_id,
        i.team,
        i.unit,
        i.role,
        coalesce(c.contracted_hours, 0.0) as contracted_hours,
        coalesce(c.contracted_hours, 0.0) / $full_time_hours as fte,
        coalesce(p.working_days, 0) as working_days,
        coalesce(p.lost_days, 0.0) as lost_days,
        case when coalesce(p.working_days, 0) = 0 then 0.0
            else 1.0 - p.lost_days / p.working_days end as availability,
        coalesce(h.open_cases, 0) as open_cases,
        coalesce(h.weighted_load, 0.0) as weighted_load,
        ab.officer_id is not null as absent
    from in_post as i
    left join contract_on_d as c on c.officer_id = i.officer_id
    left join period_availability as p on p.officer_id = i.officer_id
    left join holdings as h on h.officer_id = i.officer_id
    left join absent_on_d as ab on ab.officer_id = i.officer_id
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
        contracted_hours,
        working_days,
        lost_days
    from measured
)

select * from final
order by officer_id
