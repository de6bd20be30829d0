-- purpose: Weighted caseload of each officer against FTE-adjusted capacity on the as-of day D, exactly as
--   DATA_CONTRACT.md section 3 (version 2) defines fte, point-in-time availability, capacity and load,
--   with long-term absence, and overload sustained over the month ends before D's month.
-- grain: one row per officer in post on D (joined_on <= D and (left_on is null or left_on > D)) per day D
--   of the calendar: $as_of and the $months - 1 month ends before it (one day, $as_of, by default)
-- parameters:
--   $as_of               DATE      the as-of day D (the latest day of the calendar)
--   $months              INTEGER   how many days D: $as_of, then the month ends before it
--   $full_time_hours     DOUBLE    hours per week of 1.0 FTE
--   $points_per_fte      DOUBLE    weighted load one full-time, fully available person carries at 100 %
--   $overload_pct        DOUBLE    load_pct above this is overload
--   $sustained_months    INTEGER   overload at this many consecutive month ends is sustained
--   $long_absence_days   INTEGER   an absence spell this many calendar days long, or longer, is long-term
--   $reducing_kinds      VARCHAR[] absence kinds that reduce capacity from their first day
--   $risk_grades         VARCHAR[] risk grades, in the order of $risk_weights
--   $risk_weights        DOUBLE[]  weight per risk grade
--   $complexity_levels   INTEGER[] complexity levels, in the order of $complexity_factors
--   $complexity_factors  DOUBLE[]  factor per complexity level
-- columns:
--   officer_id           officer key
--   team                 the officer's team
--   fte                  contracted hours on D / full_time_hours (0 when no contract covers D)
--   availability         1 - the largest capacity_reduction among the absence rows reducing on D (at most
--                        1; 1 when none): a row reduces when its kind is in reducing_kinds or its spell is
--                        long-term (the macro absence_on, as queries/absence_status.sql)
--   capacity_points      points_per_fte x fte x availability
--   open_cases           cases open on D whose officer in charge on D is this officer
--   weighted_load        sum of the case weights of those cases
--   load_pct             100 x weighted_load / capacity_points; null when capacity_points is 0
--   overloaded           load_pct > overload_pct (false when load_pct is null)
--   part_time_full_load  fte < 1 and weighted_load >= points_per_fte
--   absent               an absence with capacity_reduction 1.0 covers D (any kind, any length)
--   long_term_absent     availability is 0 on D
--   absent_since         when absent, the first day of the absence spell of D; null otherwise
--   absence_kind         when absent, the kind of the covering row with the largest capacity_reduction
--   unit                 the officer's unit
--   role                 investigator, supervisor, manager, forensic_examiner or other
--   caseholder           an investigator, or holding at least one open case: whose capacity the unit's
--                        load is measured against (a manager or examiner with no cases is not)
--   contracted_hours     contracted hours per week on D (0 when no contract covers D)
--   sustained_overload   overloaded on D and at each of the sustained_months - 1 month ends before D's
--                        month (those days are computed here, whatever $months asks for)
--   reduced_by           the kind of the absence row that sets availability; null when none reduces
--   absence_from         first day of the absence spell covering D (any reduction); null when none
--   absence_to           its last day; null when none covers D or the spell is ongoing
--   absence_days         the spell's length (to D when ongoing); null when none covers D
--   long_term_spell      absence_days >= long_absence_days
--   as_of                the day D of this row
--   month_index          0 for $as_of, 1 for the month end before it, and so on
with
calendar as (
    -- the days asked for, then sustained_months - 1 month ends more, for sustained overload
    select month_index, d from month_ends($as_of, $months + $sustained_months - 1)
),

in_post as (
    select cal.d, cal.month_index, o.officer_id, o.unit, o.team, o.role
    from officers as o
    join calendar as cal on in_half_open(o.joined_on, o.left_on, cal.d)
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

absence as (
    select * from absence_on($as_of, $months + $sustained_months - 1, $long_absence_days, $reducing_kinds)
),

holdings as (
    select w.d, a.officer_id, count(*) as open_cases, sum(w.weight) as weighted_load
    from open_case_weights as w
    join assignments as a on a.case_id = w.case_id and in_half_open(a.assigned_from, a.assigned_to, w.d)
    group by w.d, a.officer_id
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
        coalesce(s.availability, 1.0) as availability,
        coalesce(h.open_cases, 0) as open_cases,
        coalesce(h.weighted_load, 0.0) as weighted_load,
        coalesce(s.absent, false) as absent,
        coalesce(s.long_term_absent, false) as long_term_absent,
        s.absent_since,
        s.absence_kind,
        s.reduced_by,
        s.spell_from as absence_from,
        s.spell_to as absence_to,
        s.spell_days as absence_days,
        coalesce(s.long_term_spell, false) as long_term_spell
    from in_post as i
    left join contract_on_d as c on c.d = i.d and c.officer_id = i.officer_id
    left join holdings as h on h.d = i.d and h.officer_id = i.officer_id
    left join absence as s on s.as_of = i.d and s.officer_id = i.officer_id
),

loaded as (
    select
        *,
        $points_per_fte * fte * availability as capacity_points,
        case when capacity_points > 0 then 100.0 * weighted_load / capacity_points end as load_pct,
        coalesce(load_pct > $overload_pct, false) as overloaded
    from measured
),

streaks as (
    -- overloaded at D and at each of the next sustained_months - 1 days of the calendar (the month
    -- ends before D's month): a month end at which the officer was not in post breaks the run
    select
        m.d,
        m.officer_id,
        m.overloaded and count(*) filter (where p.overloaded) = $sustained_months - 1 as sustained_overload
    from loaded as m
    left join loaded as p
        on p.officer_id = m.officer_id
        and p.month_index > m.month_index
        and p.month_index < m.month_index + $sustained_months
    where m.month_index < $months
    group by m.d, m.officer_id, m.overloaded
),

final as (
    select
        m.officer_id,
        m.team,
        m.fte,
        m.availability,
        m.capacity_points,
        m.open_cases,
        m.weighted_load,
        m.load_pct,
        m.overloaded,
        m.fte < 1 and m.weighted_load >= $points_per_fte as part_time_full_load,
        m.absent,
        m.long_term_absent,
        m.absent_since,
        m.absence_kind,
        m.unit,
        m.role,
        m.role = 'investigator' or m.open_cases > 0 as caseholder,
        m.contracted_hours,
        s.sustained_overload,
        m.reduced_by,
        m.absence_from,
        m.absence_to,
        m.absence_days,
        m.long_term_spell,
        m.d as as_of,
        m.month_index
    from loaded as m
    join streaks as s on s.d = m.d and s.officer_id = m.officer_id
    where m.month_index < $months
)

select * from final
order by officer_id, as_of
