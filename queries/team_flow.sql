-- purpose: Each team's intake and closures month by month over the 12 months up to the as-of day D: the
--   rates the planner's 12-month projection carries forward, weighted as the workload is.
-- grain: one row per team per month of the last 12 (a month is the days after one month end up to the
--   next; the latest ends on D); a team with no intake and no closure in a month has a row of zeros
-- uses: first_holder
-- parameters:
--   $as_of                DATE      the as-of day D
--   $risk_grades          VARCHAR[] risk grades, in the order of $risk_weights
--   $risk_weights         DOUBLE[]  weight per risk grade
--   $complexity_levels    INTEGER[] complexity levels, in the order of $complexity_factors
--   $complexity_factors   DOUBLE[]  factor per complexity level
-- columns:
--   team            the team: of a new case, its first officer in charge's; of a closed case, the team of
--                   its officer in charge on the day before it closed
--   month_index     1 for the month ending on D, 2 for the one before, up to 12
--   month_end       the month's last day (D for the latest)
--   opened          cases opened in the month
--   opened_weight   their case weights, summed
--   closed          cases closed in the month
--   closed_weight   their case weights, summed
with
months as (
    select e.month_index + 1 as month_index, e.d as month_end, s.d as month_start_before
    from month_ends($as_of, 13) as e
    join month_ends($as_of, 13) as s on s.month_index = e.month_index + 1
),

weighed as (
    select
        case_id,
        opened_on,
        closed_on,
        case_weight(weight, risk_grade, complexity, $risk_grades, $risk_weights, $complexity_levels,
            $complexity_factors) as weight
    from cases
),

opened as (
    select f.team, m.month_index, count(*) as opened, sum(c.weight) as opened_weight
    from weighed as c
    join first_holder as f on f.case_id = c.case_id
    join months as m on c.opened_on > m.month_start_before and c.opened_on <= m.month_end
    where f.team is not null
    group by f.team, m.month_index
),

closed as (
    select o.team, m.month_index, count(*) as closed, sum(c.weight) as closed_weight
    from weighed as c
    join months as m on c.closed_on > m.month_start_before and c.closed_on <= m.month_end
    join assignments as a
        on a.case_id = c.case_id
        and a.assigned_from <= c.closed_on - 1
        and (a.assigned_to is null or a.assigned_to > c.closed_on - 1)
    join officers as o on o.officer_id = a.officer_id
    group by o.team, m.month_index
),

teams as (
    select team from opened
    union
    select team from closed
),

final as (
    select
        t.team,
        m.month_index,
        m.month_end,
        coalesce(o.opened, 0) as opened,
        coalesce(o.opened_weight, 0.0) as opened_weight,
        coalesce(c.closed, 0) as closed,
        coalesce(c.closed_weight, 0.0) as closed_weight
    from teams as t
    cross join months as m
    left join opened as o on o.team = t.team and o.month_index = m.month_index
    left join closed as c on c.team = t.team and c.month_index = m.month_index
)

select * from final
order by team, month_index
