-- purpose: Each case's first-action clock as far as it does not depend on the day: its risk-graded
--   clock, the day that clock runs out, its first progressing action over the whole extract and the
--   team it started in. first_action_clock reads it up to a day.
-- grain: one row per case
-- uses: first_progress, first_holder
-- parameters:
--   $risk_grades          VARCHAR[]  risk grades, in the order of $first_action_days
--   $first_action_days    INTEGER[]  days allowed per risk grade
-- columns:
--   case_id             case key
--   unit                unit of the case
--   first_officer_id    officer of the case's earliest assignment; null when never allocated
--   team                that officer's team; null when never allocated or the officer is not in the
--                       officers table (in a team scope: also when that officer is of another team)
--   risk_grade          very_high, high, medium or low
--   opened_on           day the case was opened
--   opened_month        first day of the month it was opened in
--   clock_days          days allowed for its risk grade
--   due_on              opened_on + clock_days
--   first_progress_on   the earliest progressing action on or after opened_on, on any day; null when none
with
final as (
    select
        c.case_id,
        c.unit,
        h.officer_id as first_officer_id,
        h.team,
        c.risk_grade,
        c.opened_on,
        cast(date_trunc('month', c.opened_on) as date) as opened_month,
        $first_action_days[list_position($risk_grades, c.risk_grade)] as clock_days,
        c.opened_on + clock_days as due_on,
        f.first_progress_on
    from cases as c
    left join first_progress as f on f.case_id = c.case_id
    left join first_holder as h on h.case_id = c.case_id
)

select * from final
order by case_id
