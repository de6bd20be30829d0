-- purpose: Each officer's absence on the as-of day D, as DATA_CONTRACT.md section 3 (version 2) defines
--   it: the spell of D (the officer's absence rows of any kind joined day by day), whether it is
--   long-term, which rows reduce capacity on D, and availability, absent, long-term absent and the kind.
-- grain: one row per officer with at least one absence row covering D (first_day <= D <= last_day, a
--   null last_day ongoing), per day D of the calendar: $as_of and the $months - 1 month ends before it
-- parameters:
--   $as_of              DATE       the as-of day D (the latest day of the calendar)
--   $months             INTEGER    how many days D: $as_of, then the month ends before it
--   $long_absence_days  INTEGER    a spell this many calendar days long, or longer, is long-term
--   $reducing_kinds     VARCHAR[]  absence kinds that reduce capacity from their first day
-- columns:
--   officer_id        officer key
--   as_of             the day D of this row
--   month_index       0 for $as_of, 1 for the month end before it, and so on
--   spell_from        first day of the spell of D: the longest run of consecutive days containing D on
--                     each of which at least one of the officer's absence rows applies
--   spell_to          its last day; null when the spell contains an ongoing row (last_day null)
--   spell_days        spell_from to spell_to inclusive; to D when the spell contains an ongoing row
--   long_term_spell   spell_days >= long_absence_days
--   reduction         the largest capacity_reduction among the rows reducing on D, at most 1 (0: none);
--                     a row reduces when it covers D and its kind is in reducing_kinds or the spell is
--                     long-term
--   reduced_by        kind of that reducing row (ties: the earliest first_day, then the kind by name);
--                     null when none reduces
--   availability      1 - reduction
--   absent            a row covering D has capacity_reduction 1.0
--   long_term_absent  availability is 0
--   absence_kind      when absent, the kind of the covering row with the largest capacity_reduction (ties:
--                     the earliest first_day, then the kind by name); null otherwise
--   absent_since      when absent, spell_from; null otherwise
with
final as (
    select * from absence_on($as_of, $months, $long_absence_days, $reducing_kinds)
)

select * from final
order by officer_id, as_of
