-- purpose: placements with the school and partnership of their referral and their start and end years
-- params: none
-- pupil counts: none
-- grain: one row per placement_id (pupil-level, pseudonymised)
-- reads: stg_seip__placements, stg_seip__referrals, stg_seip__schools, int_academic_years
-- A placement belongs to the school (and so the partnership) on its referral (metrics.md).

with

placements as (

    select * from stg_seip__placements

),

referrals as (

    select referral_id, urn from stg_seip__referrals

),

schools as (

    select * from stg_seip__schools

),

academic_years as (

    select * from int_academic_years

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
        placements.sessions_per_week,
        placements.cost_gbp,
        placements.outcome,
    from placements
    left join referrals using (referral_id)
    left join schools on referrals.urn = schools.urn
    left join academic_years as start_years
        -- the academic year the date falls in, as an equality join (see int_exclusions)
        on start_years.year_start = year(placements.start_date) - if(month(placements.start_date) >= 9, 0, 1)
    left join academic_years as end_years
        on end_years.year_start = year(placements.end_date) - if(month(placements.end_date) >= 9, 0, 1)

)

select * from final
