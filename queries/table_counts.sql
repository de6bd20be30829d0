-- purpose: Row count of every contract table as the dashboard reads it (after typing and defaults),
--   for the Data & definitions page to set beside the manifest's counts.
-- grain: one row per contract table, required and optional (an absent optional table counts 0)
-- parameters:
-- columns:
--   table_name  contract table name
--   row_count   rows read from the table's Parquet file(s)
with
counts as (
    select 'officers' as table_name, count(*) as row_count from officers
    union all select 'contracts', count(*) from contracts
    union all select 'absences', count(*) from absences
    union all select 'cases', count(*) from cases
    union all select 'assignments', count(*) from assignments
    union all select 'actions', count(*) from actions
    union all select 'exhibits', count(*) from exhibits
    union all select 'supervision', count(*) from supervision
),

final as (
    select table_name, row_count from counts
)

select * from final
