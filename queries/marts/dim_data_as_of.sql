-- purpose: the date the partnership data runs to: the latest pupil event date in it
-- params: none
-- pupil counts: none
-- grain: one row (data_as_of is null on an empty warehouse)
-- reads: stg_seip__referrals, stg_seip__placements, stg_seip__exclusions

with

event_dates as (

    select referral_date as event_date from stg_seip__referrals
    union all
    select panel_date from stg_seip__referrals
    union all
    select start_date from stg_seip__placements
    union all
    select end_date from stg_seip__placements
    union all
    select start_date from stg_seip__exclusions

),

final as (

    select max(event_date) as data_as_of
    from event_dates

)

select * from final
