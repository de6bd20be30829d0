-- purpose: The two turnaround end points of every exhibit that reached them, over the whole extract:
--   download completed and examined, each with the day it was reached, the exhibit's submission day,
--   priority, device type and case unit. turnaround and turnaround_monthly pick their windows from it.
-- grain: one row per exhibit per end point it reached (to_downloaded, to_examined)
-- uses: exhibit_dates
-- parameters:
-- columns:
--   exhibit_id     exhibit key
--   case_id        case the device was seized for
--   unit           unit of the case
--   priority       urgent, high, standard or low
--   device_type    phone, computer, tablet, storage, cloud_account or other
--   submitted_on   day the exhibit entered the queue
--   measure        to_downloaded (download completed) or to_examined (examined)
--   done_on        day the end point was reached
--   last_event_on  as exhibit_dates: on or after done_on, so a window of done_on days can test it first
with
points as (
    select
        exhibit_id,
        case_id,
        unit,
        priority,
        device_type,
        submitted_on,
        last_event_on,
        unnest([
            {'measure': 'to_downloaded', 'done_on': download_completed_on},
            {'measure': 'to_examined', 'done_on': examined_on}
        ]) as m
    from exhibit_dates
),

final as (
    select exhibit_id, case_id, unit, priority, device_type, submitted_on, m.measure, m.done_on, last_event_on
    from points
    where m.done_on is not null
)

select * from final
order by done_on, exhibit_id, measure
