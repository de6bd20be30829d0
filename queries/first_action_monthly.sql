-- purpose: The share of new cases that met their risk-graded first-action clock, by the month they
--   were opened, for the months that end on or before the as-of day's month.
-- grain: one row per month in which cases were opened, up to the month of $as_of
-- uses: first_action_clock
-- parameters:
-- columns:
--   opened_month   first day of the month
--   opened         cases opened in the month
--   decided        of those, met or missed (pending ones are still within their clock)
--   met            met their clock
--   missed         missed it
--   met_share      met / decided; null when none is decided
with
final as (
    select
        opened_month,
        count(*) as opened,
        count(*) filter (where clock_status <> 'pending') as decided,
        count(*) filter (where clock_status = 'met') as met,
        count(*) filter (where clock_status = 'missed') as missed,
        case when decided > 0 then met / decided end as met_share
    from first_action_clock
    group by opened_month
)

select * from final
order by opened_month
