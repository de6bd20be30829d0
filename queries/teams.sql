-- purpose: The units and teams of the extract with their officers in post on the as-of day, for the
--   sidebar's unit and team filters.
-- grain: one row per unit and team found in officers
-- parameters:
--   $as_of  DATE  the as-of day
-- columns:
--   unit      unit
--   team      team
--   in_post   officers of the team in post on $as_of
with
final as (
    select
        unit,
        team,
        count(*) filter (where in_half_open(joined_on, left_on, cast($as_of as date))) as in_post
    from officers
    group by unit, team
)

select * from final
order by unit, team
