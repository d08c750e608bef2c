-- purpose: the date the partnership data runs to: the latest pupil event date in it
-- params: none
-- pupil counts: none
-- grain: one row (data_as_of is null on an empty warehouse)
-- reads: referrals, placements, exclusions

with

event_dates as (

    select referral_date as event_date from referrals
    union all
    select panel_date from referrals
    union all
    select start_date from placements
    union all
    select end_date from placements
    union all
    select start_date from exclusions

),

final as (

    select max(event_date) as data_as_of
    from event_dates

)

select * from final
