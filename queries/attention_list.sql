-- purpose: The officers and cases that need a decision on the as-of day D, most urgent first, each once with
--   every reason that applies (DATA_CONTRACT.md section 4, version 2). Reasons, most urgent first: a case
--   inherited_unprogressed, holder_long_term_absent; an officer long_term_absent_holding_cases,
--   welfare_contact_overdue, part_time_full_load, sustained_overload, overloaded; a case unprogressed.
--   An absence that is not long-term is never a reason; it is shown beside a case as information. The item's
--   decision on D (DATA_CONTRACT.md section 6) is shown beside it; an overdue one is the reason
--   decision_overdue, first of its reasons, and ranks the item above every item without one in its group (the
--   priority group, and the rest). An item that meets no other reason is not listed, whatever its decision.
-- grain: one row per officer in post or case open on $as_of with at least one reason, in the chosen units
--   and teams (an officer by their unit and team, a case by its unit and its officer in charge's team)
-- uses: officer_load, case_progress, supervision_status, decision_status
-- parameters:
--   $units             VARCHAR[]  units to include; null for every unit
--   $teams             VARCHAR[]  teams to include; null for every team
--   $sustained_months  INTEGER    overload at this many consecutive month ends is sustained
-- columns:
--   rank                    1, 2, ... with no gaps: first every item in the priority group, then the rest;
--                           within each, an overdue decision first, then by the most urgent other reason,
--                           then more reasons, then the longest without progress (cases) or the heaviest
--                           load (officers)
--   item                    officer or case
--   officer_id              the officer, or the case's officer in charge (null when unallocated)
--   case_id                 the case; null for an officer
--   reasons                 every reason code that applies, most urgent first (a list): decision_overdue first
--   decision_id             the item's decision on D (as decision_status); null when it has none
--   decision_action         its action
--   decision_status         its status on D: done, open, overdue, accepted or review_due
--   decision_due_on         its due_on
--   priority                in the priority group: a reason inherited_unprogressed, holder_long_term_absent
--                           or long_term_absent_holding_cases, or an officer with part_time_full_load
--                           holding a case with one of the first two
--   unit                    the officer's unit, or the case's
--   team                    the officer's team, or the team of the case's officer in charge
--   detail                  every reason in words with its figures, then what a decision needs to know: the
--                           supervision gap and any open action plan (officers), a short absence of the
--                           officer in charge (cases, information only)
--   days_since_progress     as case_progress (cases)
--   load_pct                as officer_load (officers; null: no capacity)
--   weighted_load           as officer_load (officers)
--   absence_kind            the officer's (or the officer in charge's) absence kind, when absent on D
--   absent_since            the first day of that absence spell
--   days_since_supervision  as supervision_status (officers)
--   open_action_plans       as supervision_status (officers)
--   action_plan_open_since  as supervision_status (officers)
--   days_since_welfare      as supervision_status (officers)
with
urgency as (
    -- every reason code, most urgent first; each item lists its own reasons in this order
    select [
        'inherited_unprogressed', 'holder_long_term_absent', 'long_term_absent_holding_cases',
        'welfare_contact_overdue', 'part_time_full_load', 'sustained_overload', 'overloaded', 'unprogressed'
    ] as codes
),

cases_now as (
    select
        *,
        list_filter([
            case when inherited and unprogressed then 'inherited_unprogressed' end,
            case when oic_long_term_absent then 'holder_long_term_absent' end,
            case when unprogressed then 'unprogressed' end
        ], lambda r: r is not null) as reasons
    from case_progress
    where month_index = 0
),

case_items as (
    select
        'case' as item,
        officer_id,
        case_id,
        reasons,
        false as priority_holder,
        unit,
        oic_team as team,
        concat_ws('; ',
            case when list_contains(reasons, 'inherited_unprogressed') then printf(
                'inherited (%s) on %s and no progressing action for %d days',
                replace(assignment_reason, '_', ' '), strftime(assigned_from, '%d %b %Y'), days_since_progress) end,
            case when oic_long_term_absent then printf('officer in charge %s long-term absent (%s) since %s',
                officer_id, replace(coalesce(oic_absence_kind, 'reduced duties'), '_', ' '),
                coalesce(strftime(oic_absent_since, '%d %b %Y'), 'before D')) end,
            case when unprogressed and not list_contains(reasons, 'inherited_unprogressed') then printf(
                'no progressing action for %d days', days_since_progress) end,
            case when oic_absent and not oic_long_term_absent then printf(
                'officer in charge on %s from %s%s (short absence: information only)',
                replace(oic_absence_kind, '_', ' '), strftime(oic_absent_since, '%d %b %Y'),
                coalesce(' to ' || strftime(oic_absent_until, '%d %b %Y'), '')) end,
            case when oic_left then 'officer in charge has left the unit' end,
            case when unallocated then printf('no officer in charge, open %d days', days_open) end
        ) as detail,
        days_since_progress,
        cast(null as double) as load_pct,
        cast(null as double) as weighted_load,
        oic_absence_kind as absence_kind,
        oic_absent_since as absent_since,
        cast(null as integer) as days_since_supervision,
        cast(null as integer) as open_action_plans,
        cast(null as date) as action_plan_open_since,
        cast(null as integer) as days_since_welfare
    from cases_now
    where len(reasons) > 0
),

priority_holders as (
    -- officers in charge of a case inherited and unprogressed, or held while they are long-term absent
    select distinct officer_id
    from case_items
    where officer_id is not null
        and list_has_any(reasons, ['inherited_unprogressed', 'holder_long_term_absent'])
),

officers_now as (
    select
        o.*,
        s.days_since_supervision,
        s.supervision_overdue,
        s.open_action_plans,
        s.action_plan_open_since,
        s.days_since_welfare,
        coalesce(s.welfare_contact_overdue, false) as welfare_contact_overdue,
        list_filter([
            case when o.long_term_absent and o.open_cases > 0 then 'long_term_absent_holding_cases' end,
            case when s.welfare_contact_overdue then 'welfare_contact_overdue' end,
            case when o.part_time_full_load then 'part_time_full_load' end,
            case when o.sustained_overload then 'sustained_overload' end,
            case when o.overloaded then 'overloaded' end
        ], lambda r: r is not null) as reasons
    from officer_load as o
    left join supervision_status as s on s.officer_id = o.officer_id
    where o.month_index = 0
),

officer_items as (
    select
        'officer' as item,
        o.officer_id,
        cast(null as varchar) as case_id,
        o.reasons,
        p.officer_id is not null and o.part_time_full_load as priority_holder,
        o.unit,
        o.team,
        concat_ws('; ',
            case when list_contains(o.reasons, 'long_term_absent_holding_cases') then printf(
                'long-term absent (%s) since %s and holding %d open case%s',
                replace(coalesce(o.absence_kind, o.reduced_by), '_', ' '),
                coalesce(strftime(o.absent_since, '%d %b %Y'), 'before D'),
                o.open_cases, case when o.open_cases = 1 then '' else 's' end) end,
            case when o.welfare_contact_overdue then printf('no welfare check for %d days while long-term absent',
                o.days_since_welfare) end,
            case when o.part_time_full_load then printf('part-time (%.2f FTE) carrying %.1f points, a full-time load',
                o.fte, o.weighted_load) end,
            case when o.sustained_overload then case when $sustained_months = 2
                then 'overloaded now and at the previous month end'
                else printf('overloaded now and at the previous %d month ends', $sustained_months - 1) end end,
            case when o.overloaded then printf('load %.0f %% of capacity', o.load_pct) end,
            case when p.officer_id is not null then 'holds an inherited unprogressed case' end,
            case when o.supervision_overdue then printf('no monthly supervision for %d days', o.days_since_supervision)
            end,
            case when o.open_action_plans > 0 then printf('action plan open since %s',
                strftime(o.action_plan_open_since, '%d %b %Y'))
                when o.days_since_supervision is not null and not o.long_term_absent then 'no action plan open' end
        ) as detail,
        cast(null as integer) as days_since_progress,
        o.load_pct,
        o.weighted_load,
        o.absence_kind,
        o.absent_since,
        o.days_since_supervision,
        o.open_action_plans,
        o.action_plan_open_since,
        o.days_since_welfare
    from officers_now as o
    left join priority_holders as p on p.officer_id = o.officer_id
    where len(o.reasons) > 0
),

items as (
    select * from officer_items
    union all
    select * from case_items
),

decided as (
    select * from decision_status where latest
),

ranked as (
    select
        i.* replace (
            case when d.status = 'overdue' then list_prepend('decision_overdue', i.reasons) else i.reasons end
                as reasons
        ),
        list_has_any(i.reasons, ['inherited_unprogressed', 'holder_long_term_absent', 'long_term_absent_holding_cases'])
            or i.priority_holder as priority,
        coalesce(d.status = 'overdue', false) as decision_overdue,
        list_position(u.codes, i.reasons[1]) as first_urgency,  -- reasons are listed most urgent first
        d.decision_id,
        d.action as decision_action,
        d.status as decision_status,
        d.due_on as decision_due_on
    from items as i
    cross join urgency as u
    -- one key per item (a case's id, else the officer's): an equality the join hashes, where an OR of two
    -- compared every item with every decision (10,000 decisions at force scale: 0.25 s a run)
    left join decided as d
        on d.item = i.item and coalesce(d.case_id, d.officer_id) = coalesce(i.case_id, i.officer_id)
    where in_scope(i.unit, i.team, cast($units as varchar[]), cast($teams as varchar[]))
),

final as (
    select
        cast(row_number() over (
            order by
                priority desc,
                decision_overdue desc,
                first_urgency,
                len(reasons) desc,
                case when reasons[1] = 'welfare_contact_overdue' then days_since_welfare
                    when item = 'case' then days_since_progress end desc nulls last,
                coalesce(load_pct, case when weighted_load > 0 then 1e9 end) desc nulls last,
                weighted_load desc nulls last,
                item,
                coalesce(case_id, officer_id)
        ) as integer) as rank,
        item,
        officer_id,
        case_id,
        reasons,
        decision_id,
        decision_action,
        decision_status,
        decision_due_on,
        priority,
        unit,
        team,
        detail,
        days_since_progress,
        load_pct,
        weighted_load,
        absence_kind,
        absent_since,
        days_since_supervision,
        open_action_plans,
        action_plan_open_since,
        days_since_welfare
    from ranked
)

select * from final
order by rank
