-- purpose: The first progressing action of every case on or after the day it was opened, over the
--   whole extract (a case's first action up to a day D is this one when it is on or before D).
-- grain: one row per case with a progressing action on or after its opening day
-- parameters:
--   $progressing_actions  VARCHAR[] action types that count as progress
-- columns:
--   case_id            case key
--   first_progress_on  the earliest progressing action_on on or after opened_on
with
final as (
    select x.case_id, min(x.action_on) as first_progress_on
    from actions as x
    join cases as c on c.case_id = x.case_id
    where list_contains($progressing_actions, x.action_type) and x.action_on >= c.opened_on
    group by x.case_id
)

select * from final
order by case_id
