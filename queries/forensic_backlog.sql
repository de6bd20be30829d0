-- purpose: The forensic queue at the as-of day with what the backlog page filters and groups by: the
--   age band of each item and the team of its case's officer in charge.
-- grain: one row per exhibit in the queue on $as_of within the chosen units, teams, priorities and
--   device types (items whose case has no officer in charge count under no team)
-- uses: forensic_queue
-- parameters:
--   $as_of               DATE       the as-of day
--   $forensic_age_bands  INTEGER[]  upper bounds of the age bands (settings forensics.age_bands)
--   $units               VARCHAR[]  units to include (of the case); null for every unit
--   $teams               VARCHAR[]  teams to include (of the case's officer in charge); null for all
--   $priorities          VARCHAR[]  priorities to include; null for all
--   $device_types        VARCHAR[]  device types to include; null for all
-- columns:
--   exhibit_id        exhibit key
--   case_id           case the device was seized for
--   unit              unit of the case
--   oic_team          team of the case's officer in charge on $as_of
--   officer_id        the case's officer in charge on $as_of
--   priority          urgent, high, standard or low
--   device_type       phone, computer, tablet, storage, cloud_account or other
--   stage             as forensic_queue
--   stage_order       1 awaiting_triage, 2 awaiting_download, 3 downloading, 4 awaiting_examination
--   age_days          as forensic_queue
--   stage_age_days    as forensic_queue
--   age_band          band of age_days among forensic age bands, e.g. "31-90 days"
--   age_band_index    0 for the first band, rising
--   submitted_on      day the exhibit entered the queue
--   examiner_id       examiner, when one is assigned
with
holders as (
    select a.case_id, a.officer_id, o.team
    from assignments as a
    join officers as o on o.officer_id = a.officer_id
    where in_half_open(a.assigned_from, a.assigned_to, cast($as_of as date))
),

final as (
    select
        q.exhibit_id,
        q.case_id,
        c.unit,
        h.team as oic_team,
        h.officer_id,
        q.priority,
        q.device_type,
        q.stage,
        list_position(['awaiting_triage', 'awaiting_download', 'downloading', 'awaiting_examination'], q.stage)
            as stage_order,
        q.age_days,
        q.stage_age_days,
        band_label(band_index(q.age_days, $forensic_age_bands), $forensic_age_bands) as age_band,
        band_index(q.age_days, $forensic_age_bands) as age_band_index,
        q.submitted_on,
        q.examiner_id
    from forensic_queue as q
    join cases as c on c.case_id = q.case_id
    left join holders as h on h.case_id = q.case_id
    where q.month_index = 0
        and in_scope(c.unit, h.team, cast($units as varchar[]), cast($teams as varchar[]))
        and in_devices(q.priority, q.device_type, cast($priorities as varchar[]), cast($device_types as varchar[]))
)

select * from final
order by age_days desc, exhibit_id
