-- purpose: Workload along the chain of responsibility at the as-of day: each team under its sergeant
--   (the team's supervisor in post) and each inspector (the sergeant's line manager) over their teams.
-- grain: one row per team (level 'team') and one per inspector (level 'inspector'), at $as_of
-- uses: officer_load, case_progress
-- parameters:
--   $units  VARCHAR[]  units to include; null for every unit
--   $teams  VARCHAR[]  teams to include; null for every team
-- columns:
--   level                         team or inspector
--   inspector_id                  the sergeant's supervisor_id; null when the team has no sergeant
--   unit                          unit (null on inspector rows spanning several units)
--   team                          team; null on inspector rows
--   sergeant_id                   the team's supervisor in post; null on inspector rows
--   caseholders                   officers who are investigators or hold at least one case
--   officers_overloaded           caseholders with overloaded
--   officers_sustained_overload   caseholders with sustained_overload
--   part_time_full_load           caseholders with part_time_full_load
--   weighted_load                 summed weighted_load of the caseholders
--   capacity_points               summed capacity_points of the caseholders
--   load_pct                      100 x weighted_load / capacity_points (null when capacity is 0)
--   open_cases                    cases whose officer in charge is in the team
--   unprogressed                  of those, unprogressed
--   review_overdue                of those, review overdue
with
current_officers as (
    select * from officer_load where month_index = 0
),

sergeants as (
    select s.unit, s.team, min(s.officer_id) as sergeant_id
    from current_officers as s
    where s.role = 'supervisor'
    group by s.unit, s.team
),

chain as (
    select g.unit, g.team, g.sergeant_id, o.supervisor_id as inspector_id
    from sergeants as g
    join officers as o on o.officer_id = g.sergeant_id
),

officer_figures as (
    select
        unit,
        team,
        count(*) as caseholders,
        count(*) filter (where overloaded) as officers_overloaded,
        count(*) filter (where sustained_overload) as officers_sustained_overload,
        count(*) filter (where part_time_full_load) as part_time_full_load,
        sum(weighted_load) as weighted_load,
        sum(capacity_points) as capacity_points
    from current_officers
    where caseholder
    group by unit, team
),

case_figures as (
    select
        unit,
        oic_team as team,
        count(*) as open_cases,
        count(*) filter (where unprogressed) as unprogressed,
        count(*) filter (where review_overdue) as review_overdue
    from case_progress
    where month_index = 0 and not unallocated
    group by unit, oic_team
),

teams as (
    select
        f.unit,
        f.team,
        c.sergeant_id,
        c.inspector_id,
        f.caseholders,
        f.officers_overloaded,
        f.officers_sustained_overload,
        f.part_time_full_load,
        f.weighted_load,
        f.capacity_points,
        coalesce(k.open_cases, 0) as open_cases,
        coalesce(k.unprogressed, 0) as unprogressed,
        coalesce(k.review_overdue, 0) as review_overdue
    from officer_figures as f
    left join chain as c on c.unit = f.unit and c.team = f.team
    left join case_figures as k on k.unit = f.unit and k.team = f.team
    where in_scope(f.unit, f.team, cast($units as varchar[]), cast($teams as varchar[]))
),

rolled as (
    select
        case when grouping(team) = 1 then 'inspector' else 'team' end as level,
        inspector_id,
        case when grouping(team) = 1 and count(distinct unit) > 1 then null else any_value(unit) end as unit,
        team,
        sergeant_id,
        cast(sum(caseholders) as bigint) as caseholders,
        cast(sum(officers_overloaded) as bigint) as officers_overloaded,
        cast(sum(officers_sustained_overload) as bigint) as officers_sustained_overload,
        cast(sum(part_time_full_load) as bigint) as part_time_full_load,
        sum(weighted_load) as weighted_load,
        sum(capacity_points) as capacity_points,
        cast(sum(open_cases) as bigint) as open_cases,
        cast(sum(unprogressed) as bigint) as unprogressed,
        cast(sum(review_overdue) as bigint) as review_overdue
    from teams
    group by grouping sets ((inspector_id, team, sergeant_id), (inspector_id))
),

final as (
    select
        level,
        inspector_id,
        unit,
        team,
        sergeant_id,
        caseholders,
        officers_overloaded,
        officers_sustained_overload,
        part_time_full_load,
        weighted_load,
        capacity_points,
        case when capacity_points > 0 then 100.0 * weighted_load / capacity_points end as load_pct,
        open_cases,
        unprogressed,
        review_overdue
    from rolled
)

select * from final
order by inspector_id nulls last, level, team
