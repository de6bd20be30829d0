-- purpose: Unprogressed cases by age band of days since progress at each month end, to show whether
--   drift is building up or being cleared.
-- grain: one row per day D of the calendar per age band with unprogressed cases
-- uses: case_progress
-- parameters:
--   $age_bands  INTEGER[]  upper bounds of the age bands of days since progress
--   $units      VARCHAR[]  units to include; null for every unit
--   $teams      VARCHAR[]  teams to include; null for every team
-- columns:
--   as_of           the day D
--   age_band        band label
--   age_band_index  0 for the first band, rising
--   cases           unprogressed cases open on D in the band
with
final as (
    select
        as_of,
        band_label(band_index(days_since_progress, $age_bands), $age_bands) as age_band,
        band_index(days_since_progress, $age_bands) as age_band_index,
        count(*) as cases
    from case_progress
    where unprogressed and in_scope(unit, oic_team, cast($units as varchar[]), cast($teams as varchar[]))
    group by all
)

select * from final
order by as_of, age_band_index
