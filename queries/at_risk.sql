-- purpose: Officers who are overloaded or carrying unprogressed cases and whose monthly supervision is
--   overdue: what their sergeants have not seen, ranked most worrying first.
-- grain: one row per officer in post on $as_of with (overloaded or an unprogressed case) and an overdue
--   monthly supervision
-- uses: supervision_status, officer_streaks, case_progress
-- parameters:
-- columns:
--   officer_id              officer key
--   team                    the officer's team
--   supervisor_id           their line manager
--   load_pct                as officer_load (null: no capacity)
--   overloaded              as officer_load
--   sustained_overload      as officer_streaks
--   part_time_full_load     as officer_load
--   unprogressed_cases      open cases they hold that are unprogressed
--   longest_unprogressed    the largest days_since_progress among their cases
--   days_since_supervision  as supervision_status
--   assessment_overdue      as supervision_status
--   open_action_plans       as supervision_status
--   why                     the reasons in words
with
holding as (
    select
        officer_id,
        count(*) filter (where unprogressed) as unprogressed_cases,
        max(days_since_progress) as longest_unprogressed
    from case_progress
    where month_index = 0 and officer_id is not null
    group by officer_id
),

joined as (
    select
        s.officer_id,
        s.team,
        s.supervisor_id,
        l.load_pct,
        coalesce(l.overloaded, false) as overloaded,
        coalesce(l.sustained_overload, false) as sustained_overload,
        coalesce(l.part_time_full_load, false) as part_time_full_load,
        coalesce(h.unprogressed_cases, 0) as unprogressed_cases,
        h.longest_unprogressed,
        s.days_since_supervision,
        s.assessment_overdue,
        s.open_action_plans
    from supervision_status as s
    left join officer_streaks as l on l.officer_id = s.officer_id and l.month_index = 0
    left join holding as h on h.officer_id = s.officer_id
    where s.supervision_overdue and (coalesce(l.overloaded, false) or coalesce(h.unprogressed_cases, 0) > 0)
),

final as (
    select
        *,
        concat_ws('; ',
            printf('no monthly supervision for %d days', days_since_supervision),
            case when overloaded then printf('load %.0f %%%s', load_pct,
                case when sustained_overload then ', sustained' else '' end) end,
            case when part_time_full_load then 'part-time at a full-time load' end,
            case when unprogressed_cases > 0 then printf('%d unprogressed case%s, the longest %d days',
                unprogressed_cases, case when unprogressed_cases = 1 then '' else 's' end, longest_unprogressed) end,
            case when assessment_overdue then 'psychological assessment overdue' end,
            case when open_action_plans = 0 then 'no action plan open' end
        ) as why
    from joined
)

select * from final
order by sustained_overload desc, coalesce(longest_unprogressed, 0) + days_since_supervision desc, officer_id
