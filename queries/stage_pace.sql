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
final as (
    select
        stage,
        stage_order,
        count(*) as exits,
        quantile_cont(days_from_submission, 0.50) as p50,
        quantile_cont(days_from_submission, 0.85) as p85,
        quantile_cont(days_from_submission, 0.95) as p95,
        quantile_cont(days_in_stage, 0.50) as stay_p50,
        quantile_cont(days_in_stage, 0.85) as stay_p85
    from stage_exits
    group by stage, stage_order
)

select * from final
order by stage_order
