-- The interval conventions of DATA_CONTRACT.md section 1 and the case weight of section 3,
-- defined once and created beside every extract's views, so that each query says
-- `in_half_open(...)` rather than spelling the rule out again.

-- contracts, assignments, cases (opened_on, closed_on) and officers (joined_on, left_on):
-- `start` inclusive, `finish` exclusive, null finish = still current
create or replace macro in_half_open(start, finish, d) as
    start <= d and (finish is null or finish > d);

-- absences: first and last day both inclusive, null last day = ongoing
create or replace macro in_closed(first, last, d) as
    first <= d and (last is null or last >= d);

-- cases.weight when present, else risk weight x complexity factor (lists bound from settings)
create or replace macro case_weight(weight, risk_grade, complexity, risk_grades, risk_weights,
                                    complexity_levels, complexity_factors) as
    coalesce(
        weight,
        risk_weights[list_position(risk_grades, risk_grade)]
        * complexity_factors[list_position(complexity_levels, complexity)]
    );

-- the days a series of snapshots is taken on: the as-of day itself (month_index 0), then the
-- last day of each of the `months - 1` months before it
create or replace macro month_ends(as_of, months) as table
    select
        t.k as month_index,
        case when t.k = 0 then cast(as_of as date)
            else cast(last_day(cast(date_trunc('month', cast(as_of as date)) as date) - to_months(t.k)) as date)
        end as d
    from range(cast(months as bigint)) as t(k);

-- the unit and team filters: a null list means every unit or every team
create or replace macro in_scope(unit, team, units, teams) as
    (units is null or list_contains(units, unit)) and (teams is null or list_contains(teams, team));

-- the band of a day count among increasing upper bounds: 0 for up to bounds[1], len(bounds) for more
-- than the last bound
create or replace macro band_index(days, bounds) as
    len(list_filter(bounds, lambda b: b < days));

-- its label, e.g. "0-28 days", "29-90 days", "over 365 days"
create or replace macro band_label(i, bounds) as
    case
        when i = 0 then '0-' || bounds[1] || ' days'
        when i = len(bounds) then 'over ' || bounds[i] || ' days'
        else (bounds[i] + 1) || '-' || bounds[i + 1] || ' days'
    end;

-- officers absent on each day of the calendar: an absence with capacity_reduction 1.0 covers the day
-- (DATA_CONTRACT.md section 3, `absent`)
create or replace macro absent_on(as_of, months) as table
    select distinct cal.d, a.officer_id
    from absences as a
    join month_ends(as_of, months) as cal on in_closed(a.first_day, a.last_day, cal.d)
    where a.capacity_reduction >= 1.0;

-- the forensic filters of the page: a null list means every priority or device type
create or replace macro in_devices(priority, device_type, priorities, device_types) as
    (priorities is null or list_contains(priorities, priority))
    and (device_types is null or list_contains(device_types, device_type));

-- an exhibit of a case in the chosen units, of the chosen priorities and device types (null lists: all)
create or replace macro in_exhibit_scope(unit, priority, device_type, units, priorities, device_types) as
    (units is null or list_contains(units, unit)) and in_devices(priority, device_type, priorities, device_types);

-- week ends of a flow window: the as-of day (week_index 0) and every seventh day before it
create or replace macro week_ends(as_of, weeks) as table
    select t.k as week_index, cast(as_of as date) - cast(7 * t.k as integer) as week_end
    from range(cast(weeks as bigint)) as t(k);

-- the week a day falls in: 0 for the seven days up to as_of, 1 for the seven before, ...; days before
-- the oldest of `weeks` weeks share the bucket `weeks`
create or replace macro week_bucket(d, as_of, weeks) as
    least(cast(floor((cast(as_of as date) - d) / 7) as bigint), weeks);
