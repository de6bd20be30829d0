-- purpose: Each case's first officer in charge and that officer's team, over the whole extract: the
--   team a case started in, which the first-action clock counts it under.
-- grain: one row per case that was ever allocated
-- parameters:
-- columns:
--   case_id     case key
--   officer_id  officer of the case's earliest assignment
--   team        that officer's team; null when the officer is not in the officers table (in a team
--               scope: an officer of another team)
with
firsts as (
    -- one row per case: the officer and team of its earliest assignment, taken together
    select a.case_id, arg_min({'officer_id': a.officer_id, 'team': o.team}, a.assigned_from) as first
    from assignments as a
    left join officers as o on o.officer_id = a.officer_id
    group by a.case_id
),

final as (
    select case_id, first.officer_id, first.team
    from firsts
)

select * from final
order by case_id
