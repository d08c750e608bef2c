-- purpose: placements (support or provision after a panel) as exported
-- params: none
-- pupil counts: none
-- grain: one row per placement_id (pupil-level, pseudonymised)
-- reads: placements

with

source as (

    select * from placements

),

final as (

    select
        placement_id,
        referral_id,
        pupil_ref,
        provider_name,
        provider_type,
        start_date,
        end_date,
        sessions_per_week,
        cost_gbp,
        outcome,
    from source

)

select * from final
