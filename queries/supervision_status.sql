-- purpose: Whether each officer is being seen: last monthly supervision, welfare check and
--   psychological assessment, open action plans (dates and kinds only, never content).
-- grain: one row per officer in post on $as_of (with a line manager or not), within the chosen units and teams
-- uses: officer_supervision
-- parameters:
--   $units                          VARCHAR[]  units to include; null for every unit
--   $teams                          VARCHAR[]  teams to include; null for every team
-- columns:
--   officer_id              officer key
--   unit                    the officer's unit
--   team                    the officer's team
--   role                    the officer's role
--   supervisor_id           line manager (the sergeant, for investigators); null when none
--   inspector_id            the line manager's line manager
--   last_supervision_on     latest monthly_supervision held on or before D; null when none
--   days_since_supervision  D - last_supervision_on, or D - joined_on when there is none
--   supervision_overdue     days_since_supervision > monthly_supervision_days (false without the table)
--   last_welfare_on         latest welfare_check on or before D
--   days_since_welfare      D - last_welfare_on, or D - joined_on when there is none
--   last_assessment_on      latest psychological_assessment on or before D
--   days_since_assessment   D - last_assessment_on, or D - joined_on when there is none
--   assessment_overdue      days_since_assessment > psychological_assessment_days (false without the table)
--   open_action_plans       action plans opened on or before D less those closed on or before D (at least 0)
--   action_plan_open_since  the latest opening, when a plan is open
--   action_plan_age_days    D - action_plan_open_since
--   long_term_absent        as officer_load: availability 0 on D
--   absence_kind            as officer_load, when absent
--   absent_since            as officer_load, when absent
--   welfare_contact_overdue long-term absent and no welfare_check with D - welfare_contact_days < held_on <= D
--                           (false without the table)
with
final as (
    select * exclude (as_of, month_index)
    from officer_supervision
    where month_index = 0 and in_scope(unit, team, cast($units as varchar[]), cast($teams as varchar[]))
)

select * from final
order by officer_id
