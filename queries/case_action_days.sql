-- purpose: Every case's days with a progressing action and its days with a supervisory review, over the
--   whole extract: what a progress or review decision is done by (decision_status). A run for a day D
--   reads the days up to D from these lists, so one table serves every day.
-- grain: one row per case with at least one progressing action or supervisory review
-- parameters:
--   $progressing_actions  VARCHAR[] action types that count as progress
-- columns:
--   case_id        case key
--   progress_days  the distinct days of its progressing actions, ascending (empty when none)
--   review_days    the distinct days of its supervisory reviews, ascending (empty when none)
with
final as (
    select
        case_id,
        coalesce(
            list_sort(list_distinct(list(action_on) filter (where action_type <> 'supervisory_review'))), []
        ) as progress_days,
        coalesce(
            list_sort(list_distinct(list(action_on) filter (where action_type = 'supervisory_review'))), []
        ) as review_days
    from actions
    where list_contains($progressing_actions, action_type) or action_type = 'supervisory_review'
    group by case_id
)

select * from final
order by case_id
