-- purpose: The usual pace of each forensic stage: percentiles of how long after submission completed
--   items left it in the trailing window, drawn on the ageing chart so that items at risk of breaching
--   the usual pace stand out.
-- grain: one row per stage with at least one exit in the window
-- uses: stage_exits
-- parameters:
-- columns:
--   stage        the stage
--   stage_order  1 awaiting_triage to 4 awaiting_examination
--   exits        items that left the stage in the window
--   p50          50th percentile of days_from_submission at leaving (continuous)
--   p85          85th percentile
--   p95          95th percentile
--   stay_p50     50th percentile of days_in_stage
--   stay_p85     85th percentile of days_in_stage
with
grouped as (
    select
        stage,
        stage_order,
        count(*) as exits,
        quantile_cont(days_from_submission, [0.50, 0.85, 0.95]) as q,  -- the three from one sort
        quantile_cont(days_in_stage, [0.50, 0.85]) as stay
    from stage_exits
    group by stage, stage_order
),

final as (
    select stage, stage_order, exits, q[1] as p50, q[2] as p85, q[3] as p95, stay[1] as stay_p50, stay[2] as stay_p85
    from grouped
)

select * from final
order by stage_order
