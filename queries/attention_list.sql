-- purpose: The officers and cases that need a decision at the as-of day, each once, under its most
--   severe reason, ranked: 1 a case without progress for over 90 days that is held by an absent or
--   departed officer, or was inherited; 2 sustained overload, a part-timer at full load, or an officer
--   overloaded or holding unprogressed cases whose monthly supervision is overdue; 3 a case
--   without progress for over 180 days, or held by an officer who has left; 4 an absent officer still
--   holding cases, or a case unallocated for over 7 days; 5 overload in one month; 6 a supervisory
--   review overdue by twice review_days.
-- grain: one row per officer or case with at least one reason at $as_of (month_index 0)
-- uses: officer_streaks, case_progress, supervision_status
-- parameters:
--   $units  VARCHAR[]  units to include; null for every unit
--   $teams  VARCHAR[]  teams to include; null for every team
--   $review_days  INTEGER  a review is flagged here when overdue by twice this
-- columns:
--   severity      1 (most urgent) to 6
--   item          officer or case
--   reason        the most severe reason's code
--   officer_id    the officer, or the case's officer in charge (null when unallocated)
--   case_id       the case; null for an officer
--   unit          unit
--   team          the officer's team, or the team of the case's officer in charge
--   measure       days without progress (cases) or load_pct (officers), for ranking within a severity
--   detail        the reason in words, with its figures
--   reasons       every reason code that applies, most severe first
with
unprogressed_held as (
    select officer_id, count(*) as cases
    from case_progress
    where month_index = 0 and unprogressed and officer_id is not null
    group by officer_id
),

officer_reasons as (
    select
        'officer' as item,
        o.officer_id,
        cast(null as varchar) as case_id,
        o.unit,
        o.team,
        o.load_pct as measure,
        unnest([
            case when sustained_overload then {
                'severity': 2, 'reason': 'sustained_overload',
                'detail': printf('overloaded at %d consecutive month ends; load %.0f %%', overload_streak, load_pct)
            } end,
            case when part_time_full_load then {
                'severity': 2, 'reason': 'part_time_full_load',
                'detail': printf('part-time (%.2f FTE) carrying %.1f points, a full-time load', fte, weighted_load)
            } end,
            case when s.supervision_overdue and (overloaded or coalesce(u.cases, 0) > 0) then {
                'severity': 2, 'reason': 'unsupervised',
                'detail': printf('no monthly supervision for %d days while %s', s.days_since_supervision,
                                 case when overloaded then printf('at %.0f %% load', load_pct)
                                      else printf('holding %d unprogressed case%s', u.cases,
                                                  case when u.cases = 1 then '' else 's' end) end)
            } end,
            case when absent and open_cases > 0 then {
                'severity': 4, 'reason': 'absent_holding_cases',
                'detail': printf('absent on the day and holding %d open cases', open_cases)
            } end,
            case when overloaded and not sustained_overload then {
                'severity': 5, 'reason': 'overloaded', 'detail': printf('load %.0f %% this month', load_pct)
            } end
        ]) as why
    from officer_streaks as o
    left join supervision_status as s using (officer_id)
    left join unprogressed_held as u using (officer_id)
    where o.month_index = 0
),

case_reasons as (
    select
        'case' as item,
        officer_id,
        case_id,
        unit,
        oic_team as team,
        cast(days_since_progress as double) as measure,
        unnest([
            case when (oic_absent or oic_left) and unprogressed and days_since_progress > 90 then {
                'severity': 1, 'reason': 'holder_away_unprogressed',
                'detail': printf('officer in charge %s; no progressing action for %d days',
                                 case when oic_left then 'has left' else 'is absent' end, days_since_progress)
            } end,
            case when inherited and unprogressed and days_since_progress > 90 then {
                'severity': 1, 'reason': 'inherited_unprogressed',
                'detail': printf('inherited (%s) on %s; no progressing action for %d days',
                                 replace(assignment_reason, '_', ' '), strftime(assigned_from, '%d %b %Y'),
                                 days_since_progress)
            } end,
            case when unprogressed and days_since_progress > 180 then {
                'severity': 3, 'reason': 'unprogressed_over_180',
                'detail': printf('no progressing action for %d days', days_since_progress)
            } end,
            case when oic_left then {
                'severity': 3, 'reason': 'holder_left', 'detail': 'officer in charge has left the unit'
            } end,
            case when unallocated and days_open > 7 then {
                'severity': 4, 'reason': 'unallocated', 'detail': printf('no officer in charge, open %d days', days_open)
            } end,
            case when review_overdue and days_since_review > 2 * $review_days then {
                'severity': 6, 'reason': 'review_overdue',
                'detail': printf('no supervisory review for %d days', days_since_review)
            } end
        ]) as why
    from case_progress
    where month_index = 0
),

reasons as (
    select item, officer_id, case_id, unit, team, measure, why.severity, why.reason, why.detail
    from (select * from officer_reasons union all select * from case_reasons)
    where why is not null
),

final as (
    select
        min(severity) as severity,
        item,
        arg_min(reason, severity) as reason,
        officer_id,
        case_id,
        unit,
        team,
        measure,
        arg_min(detail, severity) as detail,
        string_agg(reason, ', ' order by severity, reason) as reasons
    from reasons
    where in_scope(unit, team, cast($units as varchar[]), cast($teams as varchar[]))
    group by item, officer_id, case_id, unit, team, measure
)

select * from final
order by severity, measure desc nulls last, item, coalesce(case_id, officer_id)
