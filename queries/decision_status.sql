-- purpose: Every decision recorded on an attention item with decided_on on or before the as-of day D, and its
--   status on D (DATA_CONTRACT.md section 6), taken from the extract, not from anyone's say-so. An event is one
--   on a day from decided_on to D, whatever the item's state that day: reallocate is done when an assignment of
--   the case to to_officer starts on an event day; progress, review, close when a progressing action, a
--   supervisory review or the case's closing falls on one; welfare_contact, supervise, action_plan when a
--   welfare_check, monthly_supervision or action_plan_opened row does; reduce_load when on D the officer holds
--   no open case, or is in post with a load that is not null and not overloaded; accept never (accepted until
--   due_on, then review_due). Otherwise overdue when D > due_on, else open. The decisions are the store's,
--   read as the relation `decisions`; an item's decision on D is its latest (greatest decided_on, then
--   greatest decision_id).
-- grain: one row per decision with decided_on <= $as_of whose item the extract (in the user's scope) holds
-- uses: officer_load, case_progress, decision_events
-- parameters:
--   $as_of                DATE      the as-of day D
-- columns:
--   decision_id   increasing in the order decisions were recorded
--   item          officer or case
--   officer_id    the officer (officer items); null for a case
--   case_id       the case (case items); null for an officer
--   action        reallocate, progress, review, close, welfare_contact, supervise, action_plan, reduce_load
--                 or accept
--   to_officer    the officer to reallocate to (reallocate only)
--   owner_id      the officer who must do it
--   decided_on    the day of the figures the decision was taken on
--   due_on        the day it is due (for accept: the day to review it)
--   decided_by    who decided
--   status        done, open, overdue, accepted or review_due on D
--   done_on       the earliest event day that did it (null for reduce_load, accept and every other status)
--   days_overdue  D - due_on when overdue; null otherwise
--   latest        this is the item's decision on D (a later one supersedes it otherwise)
--   note          the decider's note (never shown to roles without names)
--   recorded_at   when it was recorded
with
made as (
    -- the decisions whose item the extract holds (decision_events), decided by D, with their first event
    select d.*, e.first_event_on
    from decisions as d
    join decision_events as e on e.decision_id = d.decision_id
    where d.decided_on <= $as_of
),

held as (
    -- open cases on D of each officer a reduce_load decision names, in post or not
    select p.officer_id, count(*) as open_cases
    from case_progress as p
    semi join made as m on m.officer_id = p.officer_id and m.action = 'reduce_load'
    where p.month_index = 0
    group by p.officer_id
),

reduced as (
    select m.decision_id
    from made as m
    left join held as h on h.officer_id = m.officer_id
    left join officer_load as o on o.officer_id = m.officer_id and o.month_index = 0
    where m.action = 'reduce_load'
        and (coalesce(h.open_cases, 0) = 0 or (o.officer_id is not null and o.load_pct is not null and not o.overloaded))
),

statused as (
    select
        m.*,
        case when m.first_event_on <= $as_of then m.first_event_on end as event_on,
        case
            when m.action = 'accept' then case when $as_of <= m.due_on then 'accepted' else 'review_due' end
            when m.first_event_on <= $as_of or d.decision_id is not null then 'done'
            when $as_of > m.due_on then 'overdue'
            else 'open'
        end as status
    from made as m
    left join reduced as d on d.decision_id = m.decision_id
),

final as (
    select
        decision_id,
        item,
        officer_id,
        case_id,
        action,
        to_officer,
        owner_id,
        decided_on,
        due_on,
        decided_by,
        status,
        case when status = 'done' then event_on end as done_on,
        case when status = 'overdue' then cast($as_of - due_on as integer) end as days_overdue,
        row_number() over (
            partition by item, coalesce(case_id, officer_id) order by decided_on desc, decision_id desc
        ) = 1 as latest,
        note,
        recorded_at
    from statused
)

select * from final
order by decision_id
