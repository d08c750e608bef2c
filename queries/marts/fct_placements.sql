-- purpose: placements with the school and partnership of their referral, the years they started and
--          ended in, and how long they lasted
-- params: none
-- pupil counts: none (pupil rows, not counts)
-- grain: one row per placement_id (pupil-level, pseudonymised)
-- reads: int_placements, dim_data_as_of
-- ended_year is the one definition of "ended in the year" (metrics.md): the academic year of the
-- end date of a placement whose outcome is known; an ongoing placement's end date is only planned.

with

placements as (

    select * from int_placements

),

data_as_of as (

    select * from dim_data_as_of

),

final as (

    select
        placements.placement_id,
        placements.referral_id,
        placements.pupil_ref,
        placements.urn,
        placements.partnership_code,
        placements.provider_name,
        placements.provider_type,
        placements.start_date,
        placements.end_date,
        placements.start_year,
        placements.end_year,
        case when placements.outcome <> 'ongoing' then placements.end_year end as ended_year,
        -- an ongoing placement has lasted until the data runs out
        (coalesce(placements.end_date, data_as_of.data_as_of) - placements.start_date) / 7 as weeks,
        placements.sessions_per_week,
        placements.cost_gbp,
        placements.outcome,
    from placements
    cross join data_as_of

)

select * from final
