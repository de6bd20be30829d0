-- purpose: Whether each officer is being seen: last monthly supervision, welfare check and
--   psychological assessment, open action plans (dates and kinds only, never content).
-- grain: one row per officer in post on $as_of (with a line manager or not), within the chosen units and teams
-- uses: officer_supervision
-- parameters:
--   $units                          VARCHAR[]  units to include; null for every unit
--   $teams                          VARCHAR[]  teams to include; null for every team
-- columns:
--   officer_id               as officer_supervision
--   unit                     as officer_supervision
--   team                     as officer_supervision
--   role                     as officer_supervision
--   supervisor_id            as officer_supervision
--   inspector_id             as officer_supervision
--   last_supervision_on      as officer_supervision
--   days_since_supervision   as officer_supervision
--   supervision_overdue      as officer_supervision
--   last_welfare_on          as officer_supervision
--   days_since_welfare       as officer_supervision
--   last_assessment_on       as officer_supervision
--   days_since_assessment    as officer_supervision
--   assessment_overdue       as officer_supervision
--   open_action_plans        as officer_supervision
--   action_plan_open_since   as officer_supervision
--   action_plan_age_days     as officer_supervision
--   long_term_absent         as officer_supervision
--   absence_kind             as officer_supervision
--   absent_since             as officer_supervision
--   welfare_contact_overdue  as officer_supervision
with
final as (
    select * exclude (as_of, month_index)
    from officer_supervision
    where month_index = 0 and in_scope(unit, team, cast($units as varchar[]), cast($teams as varchar[]))
)

select * from final
order by officer_id
