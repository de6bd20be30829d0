-- purpose: Every exhibit of the extract with the unit of its case and the last day anything happened
--   to it, in order of that day: what the forensic window queries read, so that a window of recent
--   days skips the items whose every date is older (the snapshot of it is stored in this order).
-- grain: one row per exhibit
-- parameters:
-- columns:
--   exhibit_id             exhibit key
--   case_id                case the device was seized for
--   unit                   unit of the case
--   priority               urgent, high, standard or low
--   device_type            phone, computer, tablet, storage, cloud_account or other
--   submitted_on           day the exhibit entered the queue
--   triaged_on             as exhibits
--   download_started_on    as exhibits
--   download_completed_on  as exhibits
--   examined_on            as exhibits
--   withdrawn_on           as exhibits
--   examiner_id            as exhibits
--   last_event_on          the latest of the six dates above (nulls skipped)
with
final as (
    select
        e.exhibit_id,
        e.case_id,
        c.unit,
        e.priority,
        e.device_type,
        e.submitted_on,
        e.triaged_on,
        e.download_started_on,
        e.download_completed_on,
        e.examined_on,
        e.withdrawn_on,
        e.examiner_id,
        greatest(
            e.submitted_on, e.triaged_on, e.download_started_on, e.download_completed_on, e.examined_on, e.withdrawn_on
        ) as last_event_on
    from exhibits as e
    join cases as c on c.case_id = e.case_id
)

select * from final
order by last_event_on, exhibit_id
