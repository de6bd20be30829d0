-- purpose: Display names of officers, read only when a user asks to reveal names (names are sensitive).
-- grain: one row per officer
-- parameters:
-- columns:
--   officer_id    officer key
--   display_name  the person's name
with
final as (
    select officer_id, display_name from officers
)

select * from final
order by officer_id
