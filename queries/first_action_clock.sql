-- purpose: The risk-graded first-action clock of every case: a new case must see a progressing
--   action within first_action_days of its risk grade (settings) of being opened.
-- grain: one row per case opened on or before $as_of (and on or after $opened_since when given)
-- uses: first_action
-- parameters:
--   $as_of                DATE       the as-of day
--   $units                VARCHAR[]  units to include; null for every unit
--   $teams                VARCHAR[]  teams to include (team of the first officer in charge); null for all
--   $opened_since         DATE       only cases opened on or after this day; null for every case
-- columns:
--   case_id                  case key
--   unit                     unit of the case
--   team                     team of the case's first officer in charge; null when never allocated
--                            (in a team scope: also when that officer is of another team)
--   risk_grade               very_high, high, medium or low
--   opened_on                day the case was opened
--   opened_month             first day of the month it was opened in
--   clock_days               days allowed for its risk grade
--   due_on                   opened_on + clock_days
--   first_progress_on        first progressing action on or after opened_on and on or before $as_of
--   days_to_first_progress   first_progress_on - opened_on
--   clock_status             met (first progress on or before due_on), missed (after due_on, or none
--                            by a due_on before $as_of) or pending (none yet, still within the clock)
with
params as (
    select cast($as_of as date) as d
),

clocked as (
    select
        a.case_id,
        a.unit,
        a.team,
        a.risk_grade,
        a.opened_on,
        a.opened_month,
        a.clock_days,
        a.due_on,
        case when a.first_progress_on <= params.d then a.first_progress_on end as first_progress_on,
        case when a.first_progress_on <= params.d then a.first_progress_on - a.opened_on end
            as days_to_first_progress,
        params.d
    from first_action as a
    cross join params
    where a.opened_on <= params.d
        and (cast($opened_since as date) is null or a.opened_on >= cast($opened_since as date))
),

final as (
    select
        case_id,
        unit,
        team,
        risk_grade,
        opened_on,
        opened_month,
        clock_days,
        due_on,
        first_progress_on,
        days_to_first_progress,
        case
            when first_progress_on <= due_on then 'met'
            when first_progress_on > due_on or due_on < d then 'missed'
            else 'pending'
        end as clock_status
    from clocked
    where in_scope(unit, team, cast($units as varchar[]), cast($teams as varchar[]))
)

select * from final
order by opened_on, case_id
