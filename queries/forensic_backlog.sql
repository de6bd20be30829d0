-- purpose: The forensic queue at the as-of day with what the backlog page filters and groups by: the
--   age band of each item and the team of its case's officer in charge.
-- grain: one row per exhibit in the queue on $as_of within the chosen units, teams, priorities and
--   device types (items whose case has no officer in charge count under no team)
-- uses: forensic_queue
-- parameters:
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
final as (
    select
        exhibit_id,
        case_id,
        unit,
        oic_team,
        officer_id,
        priority,
        device_type,
        stage,
        list_position(['awaiting_triage', 'awaiting_download', 'downloading', 'awaiting_examination'], stage)
            as stage_order,
        age_days,
        stage_age_days,
        band_label(band_index(age_days, $forensic_age_bands), $forensic_age_bands) as age_band,
        band_index(age_days, $forensic_age_bands) as age_band_index,
        submitted_on,
        examiner_id
    from forensic_queue
    where month_index = 0
        and in_scope(unit, oic_team, cast($units as varchar[]), cast($teams as varchar[]))
        and in_devices(priority, device_type, cast($priorities as varchar[]), cast($device_types as varchar[]))
)

select * from final
order by age_days desc, exhibit_id
