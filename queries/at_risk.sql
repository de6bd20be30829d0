-- purpose: Officers whom their line management is not seeing: overloaded or carrying unprogressed cases
--   while their monthly supervision is overdue, or long-term absent with no welfare contact within
--   welfare_contact_days; what their sergeants have not seen, ranked most worrying first.
-- grain: one row per officer in post on $as_of who is (overloaded or holding an unprogressed case) with an
--   overdue monthly supervision, or long-term absent with a welfare contact overdue
-- uses: supervision_status, officer_load, case_progress
-- parameters:
-- columns:
--   officer_id              officer key
--   team                    the officer's team
--   supervisor_id           their line manager
--   load_pct                as officer_load (null: no capacity)
--   overloaded              as officer_load
--   sustained_overload      as officer_load
--   part_time_full_load     as officer_load
--   unprogressed_cases      open cases they hold that are unprogressed
--   longest_unprogressed    the largest days_since_progress among their cases
--   days_since_supervision  as supervision_status
--   assessment_overdue      as supervision_status
--   open_action_plans       as supervision_status
--   long_term_absent        as officer_load
--   absence_kind            as officer_load, when absent
--   absent_since            as officer_load, when absent
--   days_since_welfare      as supervision_status
--   welfare_contact_overdue as supervision_status
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
        s.supervision_overdue,
        s.assessment_overdue,
        s.open_action_plans,
        s.long_term_absent,
        s.absence_kind,
        s.absent_since,
        s.days_since_welfare,
        s.welfare_contact_overdue
    from supervision_status as s
    left join officer_load as l on l.officer_id = s.officer_id and l.month_index = 0
    left join holding as h on h.officer_id = s.officer_id
    where s.supervision_overdue and (coalesce(l.overloaded, false) or coalesce(h.unprogressed_cases, 0) > 0)
        or s.welfare_contact_overdue
),

final as (
    select
        officer_id,
        team,
        supervisor_id,
        load_pct,
        overloaded,
        sustained_overload,
        part_time_full_load,
        unprogressed_cases,
        longest_unprogressed,
        days_since_supervision,
        assessment_overdue,
        open_action_plans,
        long_term_absent,
        absence_kind,
        absent_since,
        days_since_welfare,
        welfare_contact_overdue,
        concat_ws('; ',
            case when welfare_contact_overdue then printf('long-term absent (%s) since %s; no welfare check for %d days',
                replace(absence_kind, '_', ' '), strftime(absent_since, '%d %b %Y'), days_since_welfare) end,
            case when supervision_overdue then printf('no monthly supervision for %d days', days_since_supervision) end,
            case when overloaded then printf('load %.0f %%%s', load_pct,
                case when sustained_overload then ', sustained' else '' end) end,
            case when part_time_full_load then 'part-time at a full-time load' end,
            case when unprogressed_cases > 0 then printf('%d unprogressed case%s, the longest %d days',
                unprogressed_cases, case when unprogressed_cases = 1 then '' else 's' end, longest_unprogressed) end,
            case when assessment_overdue then 'psychological assessment overdue' end,
            case when open_action_plans = 0 and not long_term_absent then 'no action plan open' end
        ) as why
    from joined
)

select * from final
order by welfare_contact_overdue desc, sustained_overload desc,
    coalesce(longest_unprogressed, 0) + days_since_supervision desc, officer_id
