-- purpose: Open cases at the as-of day by age band of days since progress, for each team and each
--   officer in charge, as counts and as weighted load.
-- grain: one row per team (grouping 'team') or officer in charge (grouping 'officer') per age band
--   that has cases; unallocated cases count under team and officer "unallocated"
-- uses: case_ageing
-- parameters:
-- columns:
--   grouping        team or officer
--   holder          the team, or the officer in charge
--   team            the team (of the officer, on officer rows)
--   age_band        band label, e.g. "29-90 days"
--   age_band_index  0 for the first band, rising
--   cases           open cases in the band
--   weighted_load   their summed weight
with
banded as (
    select
        coalesce(oic_team, 'unallocated') as team,
        coalesce(officer_id, 'unallocated') as officer_id,
        age_band,
        age_band_index,
        weight
    from case_ageing
),

final as (
    select
        case when grouping(officer_id) = 1 then 'team' else 'officer' end as grouping,
        coalesce(officer_id, team) as holder,
        team,
        age_band,
        age_band_index,
        count(*) as cases,
        sum(weight) as weighted_load
    from banded
    group by grouping sets ((team, age_band, age_band_index), (team, officer_id, age_band, age_band_index))
)

select * from final
order by grouping desc, team, holder, age_band_index
