-- purpose: placements with the partnership and school of their referral, their start and end years and length
-- params: none
-- pupil counts: none
-- grain: one row per placement_id (pupil-level, pseudonymised)
-- reads: placements, referrals, stg_seip__schools, stg_seip__academic_years, stg_seip__data_as_of

with

placements as (

    select * from placements

),

referrals as (

    select referral_id, urn from referrals

),

schools as (

    select * from stg_seip__schools

),

academic_years as (

    select * from stg_seip__academic_years

),

data_as_of as (

    select * from stg_seip__data_as_of

),

final as (

    select
        placements.placement_id,
        placements.referral_id,
        placements.pupil_ref,
        referrals.urn,
        schools.partnership_code,
        placements.provider_name,
        placements.provider_type,
        placements.start_date,
        placements.end_date,
        start_years.academic_year as start_year,
        end_years.academic_year as end_year,
        -- an ongoing placement has lasted until the data runs out
        (coalesce(placements.end_date, data_as_of.data_as_of) - placements.start_date) / 7 as weeks,
        placements.sessions_per_week,
        placements.cost_gbp,
        placements.outcome,
    from placements
    cross join data_as_of
    left join referrals using (referral_id)
    left join schools on referrals.urn = schools.urn
    left join academic_years as start_years
        on placements.start_date between start_years.starts_on and start_years.ends_on
    left join academic_years as end_years
        on placements.end_date between end_years.starts_on and end_years.ends_on

)

select * from final
