-- purpose: Every recorded decision's first event on or after its decided_on, over the whole extract: the
--   first day that would do it (DATA_CONTRACT.md section 6). A decision is done on a day D when this day is on
--   or before D, so decision_status reads it for every D. Reallocate: an assignment of the case to to_officer
--   starting; progress, review: a progressing action or a supervisory review on the case; close: the case's
--   closing; welfare_contact, supervise, action_plan: a welfare_check, monthly_supervision or
--   action_plan_opened row of the officer. reduce_load and accept have no event (decision_status says why).
--   The decisions are the store's, read as the relation `decisions`. Which items the extract holds does not
--   depend on D either, so decision_status reads that here too, and never joins every case of the extract.
-- grain: one row per decision whose item the extract (in the user's scope) holds
-- parameters:
--   $progressing_actions  VARCHAR[] action types that count as progress
-- columns:
--   decision_id     the decision
--   first_event_on  the earliest event day on or after its decided_on; null when it has none
with
held as (
    -- joins, not `in (select ...)`: the few decisions are the side hashed, not every case of the extract
    select d.decision_id
    from decisions as d
    join cases as c on c.case_id = d.case_id
    where d.item = 'case'
    union all
    select d.decision_id
    from decisions as d
    join officers as o on o.officer_id = d.officer_id
    where d.item = 'officer'
),

events as (
    -- a decision has one action, so one branch gives its days; every day here is on or after its decided_on
    select d.decision_id, a.assigned_from as event_on
    from decisions as d
    join assignments as a on a.case_id = d.case_id and a.officer_id = d.to_officer
    where d.item = 'case' and d.action = 'reallocate' and a.assigned_from >= d.decided_on
    union all
    select d.decision_id, x.action_on
    from decisions as d
    join actions as x on x.case_id = d.case_id
    where d.item = 'case'
        and x.action_on >= d.decided_on
        and (
            (d.action = 'progress' and list_contains($progressing_actions, x.action_type))
            or (d.action = 'review' and x.action_type = 'supervisory_review')
        )
    union all
    select d.decision_id, c.closed_on
    from decisions as d
    join cases as c on c.case_id = d.case_id
    where d.item = 'case' and d.action = 'close' and c.closed_on >= d.decided_on
    union all
    select d.decision_id, s.held_on
    from decisions as d
    join supervision as s on s.officer_id = d.officer_id
    where d.item = 'officer'
        and s.held_on >= d.decided_on
        and s.kind = case d.action
            when 'welfare_contact' then 'welfare_check'
            when 'supervise' then 'monthly_supervision'
            when 'action_plan' then 'action_plan_opened'
        end
),

final as (
    select h.decision_id, min(e.event_on) as first_event_on
    from held as h
    left join events as e on e.decision_id = h.decision_id
    group by h.decision_id
)

select * from final
order by decision_id
