-- purpose: The first day the extract has history for, so the month picker offers every month end
--   from the first case to the as-of day.
-- grain: one row
-- parameters:
-- columns:
--   first_day   the earliest opened_on of any case (null when there are no cases)
with
final as (
    select min(opened_on) as first_day from cases
)

select * from final
