-- purpose: supervision_status at every day D of the calendar, for every officer in post in every unit and
--   team: a snapshot made once per extract (supervision_status picks the day, units and teams asked for).
-- grain: one row per officer in post on D (with a line manager or not), per day D of the calendar
-- parameters:
--   $as_of                          DATE       the as-of day D
--   $months                         INTEGER    how many month ends, $as_of first (1: $as_of only)
--   $monthly_supervision_days       INTEGER    more days than this since a monthly supervision = overdue
--   $psychological_assessment_days  INTEGER    more days than this since an assessment = overdue
--   $welfare_contact_days           INTEGER    a long-term absent officer should have a welfare_check this often
--   $long_absence_days              INTEGER    an absence spell this many days long, or longer, is long-term
--   $reducing_kinds                 VARCHAR[]  absence kinds that reduce capacity from their first day
--   $supervision_recorded           BOOLEAN    the extract has a supervision table (else nothing is flagged)
-- columns:
--   as_of                   the day D of this row
--   month_index             0 for $as_of, 1 for the month end before it, and so on
--   officer_id              officer key
--   unit                    the officer's unit
--   team                    the officer's team
--   role                    the officer's role
--   supervisor_id           line manager (the sergeant, for investigators); null when none
--   inspector_id            the line manager's line manager
--   last_supervision_on     latest monthly_supervision held on or before D; null when none
--   days_since_supervision  D - last_supervision_on, or D - joined_on when there is none
--   supervision_overdue     days_since_supervision > monthly_supervision_days, for an officer with a line
--                           manager (false for the head of a unit, whom no one in it supervises, and false
--                           without the table)
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
calendar as (
    select month_index, d from month_ends($as_of, $months)
),

in_post as (
    select
        cal.d,
        cal.month_index,
        o.officer_id,
        o.unit,
        o.team,
        o.role,
        o.supervisor_id,
        o.joined_on,
        m.supervisor_id as inspector_id
    from officers as o
    join calendar as cal on in_half_open(o.joined_on, o.left_on, cal.d)
    left join officers as m on m.officer_id = o.supervisor_id
),

absence as (
    select * from absence_on($as_of, $months, $long_absence_days, $reducing_kinds)
),

held as (
    select
        cal.d,
        s.officer_id,
        max(s.held_on) filter (where s.kind = 'monthly_supervision') as last_supervision_on,
        max(s.held_on) filter (where s.kind = 'welfare_check') as last_welfare_on,
        max(s.held_on) filter (where s.kind = 'psychological_assessment') as last_assessment_on,
        count(*) filter (where s.kind = 'action_plan_opened') as plans_opened,
        count(*) filter (where s.kind = 'action_plan_closed') as plans_closed,
        max(s.held_on) filter (where s.kind = 'action_plan_opened') as last_plan_opened
    from supervision as s
    join calendar as cal on s.held_on <= cal.d
    group by cal.d, s.officer_id
),

final as (
    select
        i.d as as_of,
        i.month_index,
        i.officer_id,
        i.unit,
        i.team,
        i.role,
        i.supervisor_id,
        i.inspector_id,
        h.last_supervision_on,
        i.d - coalesce(h.last_supervision_on, i.joined_on) as days_since_supervision,
        $supervision_recorded and i.supervisor_id is not null
            and days_since_supervision > $monthly_supervision_days as supervision_overdue,
        h.last_welfare_on,
        i.d - coalesce(h.last_welfare_on, i.joined_on) as days_since_welfare,
        h.last_assessment_on,
        i.d - coalesce(h.last_assessment_on, i.joined_on) as days_since_assessment,
        $supervision_recorded and days_since_assessment > $psychological_assessment_days as assessment_overdue,
        greatest(coalesce(h.plans_opened, 0) - coalesce(h.plans_closed, 0), 0) as open_action_plans,
        case when open_action_plans > 0 then h.last_plan_opened end as action_plan_open_since,
        i.d - action_plan_open_since as action_plan_age_days,
        coalesce(a.long_term_absent, false) as long_term_absent,
        a.absence_kind,
        a.absent_since,
        $supervision_recorded and coalesce(a.long_term_absent, false)
            and coalesce(h.last_welfare_on <= i.d - $welfare_contact_days, true) as welfare_contact_overdue
    from in_post as i
    left join held as h on h.officer_id = i.officer_id and h.d = i.d
    left join absence as a on a.officer_id = i.officer_id and a.as_of = i.d
)

select * from final
order by as_of, officer_id
