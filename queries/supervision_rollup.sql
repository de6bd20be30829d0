-- purpose: Supervision cadence rolled up along the chain: per line manager (sergeant) and per
--   inspector, how many of their officers are overdue a monthly supervision or an assessment.
-- grain: one row per line manager (level 'sergeant') and per inspector (level 'inspector') at $as_of; officers
--   without a line manager are left out
-- uses: supervision_status
-- parameters:
-- columns:
--   level                 sergeant or inspector
--   inspector_id          the line manager's line manager
--   supervisor_id         the line manager; null on inspector rows
--   officers              officers they line-manage (inspector rows: through their sergeants too)
--   supervision_overdue   of those, overdue a monthly supervision
--   assessment_overdue    of those, overdue a psychological assessment
--   open_action_plans     action plans open among them
--   longest_unsupervised  the largest days_since_supervision among them
with
final as (
    select
        case when grouping(supervisor_id) = 1 then 'inspector' else 'sergeant' end as level,
        inspector_id,
        supervisor_id,
        count(*) as officers,
        count(*) filter (where supervision_overdue) as supervision_overdue,
        count(*) filter (where assessment_overdue) as assessment_overdue,
        cast(sum(open_action_plans) as bigint) as open_action_plans,
        max(days_since_supervision) as longest_unsupervised
    from supervision_status
    where supervisor_id is not null
    group by grouping sets ((inspector_id, supervisor_id), (inspector_id))
)

select * from final
order by inspector_id nulls last, level, supervisor_id
