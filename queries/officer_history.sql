-- purpose: One officer's contracts and absences as spans on a time axis, for the drill-down timeline.
-- grain: one row per contract period or absence of $officer_id that starts on or before $as_of
-- parameters:
--   $officer_id  VARCHAR  the officer
--   $as_of       DATE     the as-of day; open-ended spans are drawn up to the day after it
-- columns:
--   officer_id   the officer
--   span         contract, or the absence kind
--   starts_on    first day of the span
--   ends_before  first day after the span (exclusive), for drawing
--   ongoing      true when the span has no end in the data
--   detail       contracted hours, or the capacity reduction of an absence
with
contract_spans as (
    select
        officer_id,
        'contract' as span,
        valid_from as starts_on,
        coalesce(valid_to, cast($as_of as date) + 1) as ends_before,
        valid_to is null as ongoing,
        printf('%g hours a week', contracted_hours) as detail
    from contracts
    where officer_id = $officer_id and valid_from <= cast($as_of as date)
),

absence_spans as (
    select
        officer_id,
        kind as span,
        first_day as starts_on,
        coalesce(last_day, cast($as_of as date)) + 1 as ends_before,
        last_day is null as ongoing,
        printf('%.0f %% of each day lost', 100 * capacity_reduction) as detail
    from absences
    where officer_id = $officer_id and first_day <= cast($as_of as date)
),

final as (
    select * from contract_spans
    union all
    select * from absence_spans
)

select * from final
order by starts_on, span
