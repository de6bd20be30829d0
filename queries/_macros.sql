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

-- each officer's absence on each day D of the calendar (DATA_CONTRACT.md section 3, version 2): the spell of
-- D (absence rows of any kind joined day by day: overlapping and adjacent rows join, a one-day gap
-- splits; a spell with an ongoing row is counted to D), whether it is long-term, the rows reducing
-- capacity on D, availability, absent, long-term absent and the kind; columns as queries/absence_status.sql
create or replace macro absence_on(as_of, months, long_absence_days, reducing_kinds) as table
    with
    calendar as (
        select month_index, d from month_ends(as_of, months)
    ),

    away as (
        -- only the officers with a row covering a day asked for: a spell is rows that overlap or touch, so it
        -- covers a day only if one of its rows does (the rest of the table need not be made into spells)
        select distinct a.officer_id
        from absences as a
        join calendar as cal on in_closed(a.first_day, a.last_day, cal.d)
    ),

    ordered as (
        -- each row with the furthest day any row before it (by first day) reaches; an ongoing row reaches
        -- every later day
        select
            officer_id,
            first_day,
            last_day,
            max(coalesce(last_day, date '9999-12-31')) over (
                partition by officer_id
                order by first_day, coalesce(last_day, date '9999-12-31')
                rows between unbounded preceding and 1 preceding
            ) as reached
        from absences
        semi join away using (officer_id)
    ),

    numbered as (
        -- a row starts a new spell unless it starts on or before the day after the furthest day reached
        -- so far (overlapping and adjacent rows join; a one-day gap splits)
        select
            *,
            sum(case when reached is null or first_day > reached + 1 then 1 else 0 end) over (
                partition by officer_id
                order by first_day, coalesce(last_day, date '9999-12-31')
                rows between unbounded preceding and current row
            ) as spell_no
        from ordered
    ),

    spells as (
        select
            officer_id,
            spell_no,
            min(first_day) as spell_from,
            case when bool_or(last_day is null) then null else max(last_day) end as spell_to
        from numbered
        group by officer_id, spell_no
    ),

    spell_on_d as (
        select
            cal.d,
            cal.month_index,
            s.officer_id,
            s.spell_from,
            s.spell_to,
            coalesce(s.spell_to, cal.d) - s.spell_from + 1 as spell_days
        from spells as s
        join calendar as cal on in_closed(s.spell_from, s.spell_to, cal.d)
    ),

    covering as (
        select
            s.d,
            s.month_index,
            s.officer_id,
            s.spell_from,
            s.spell_to,
            s.spell_days,
            s.spell_days >= long_absence_days as long_term_spell,
            a.kind,
            a.first_day,
            least(a.capacity_reduction, 1.0) as reduction,
            list_contains(reducing_kinds, a.kind) or s.spell_days >= long_absence_days as reducing
        from spell_on_d as s
        join absences as a on a.officer_id = s.officer_id and in_closed(a.first_day, a.last_day, s.d)
    ),

    per_day as (
        select
            officer_id,
            d,
            month_index,
            any_value(spell_from) as spell_from,
            any_value(spell_to) as spell_to,
            any_value(spell_days) as spell_days,
            any_value(long_term_spell) as long_term_spell,
            coalesce(max(reduction) filter (where reducing), 0.0) as reduction,
            arg_min(kind, (-reduction, first_day, kind)) filter (where reducing) as reduced_by,
            bool_or(reduction >= 1.0) as absent,
            arg_min(kind, (-reduction, first_day, kind)) as largest_kind
        from covering
        group by officer_id, d, month_index
    ),

    final as (
        select
            officer_id,
            d as as_of,
            month_index,
            spell_from,
            spell_to,
            spell_days,
            long_term_spell,
            reduction,
            reduced_by,
            1.0 - reduction as availability,
            absent,
            availability = 0 as long_term_absent,
            case when absent then largest_kind end as absence_kind,
            case when absent then spell_from end as absent_since
        from per_day
    )

    select * from final;

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
