-- purpose: The oldest item waiting in the forensic queue at the as-of day, per stage and per priority.
-- grain: one row per stage (grouping 'stage') and per priority (grouping 'priority') with items waiting
-- uses: forensic_backlog
-- parameters:
-- columns:
--   grouping        stage or priority
--   value           the stage or the priority
--   position        order within its grouping: stages in queue order, priorities most urgent first
--   items           items waiting
--   oldest_days     the largest age_days
--   oldest_exhibit  the exhibit with that age (the first by id on a tie)
--   oldest_case     its case
with
grouped as (
    select
        case when grouping(stage) = 0 then 'stage' else 'priority' end as grouping,
        coalesce(stage, priority) as value,
        count(*) as items,
        max(age_days) as oldest_days,
        first(exhibit_id order by age_days desc, exhibit_id) as oldest_exhibit,
        first(case_id order by age_days desc, exhibit_id) as oldest_case,
        case when grouping(stage) = 0 then min(stage_order)
            else list_position(['urgent', 'high', 'standard', 'low'], any_value(priority)) end as position
    from forensic_backlog
    group by grouping sets ((stage), (priority))
),

final as (
    select grouping, value, position, items, oldest_days, oldest_exhibit, oldest_case
    from grouped
)

select * from final
order by grouping desc, position
