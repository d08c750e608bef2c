-- purpose: panel referrals with their academic year and the referring school's partnership
-- params: none
-- pupil counts: none
-- grain: one row per referral_id (pupil-level, pseudonymised)
-- reads: stg_seip__referrals, stg_seip__schools, int_academic_years

with

referrals as (

    select * from stg_seip__referrals

),

schools as (

    select * from stg_seip__schools

),

academic_years as (

    select * from int_academic_years

),

final as (

    select
        referrals.referral_id,
        referrals.pupil_ref,
        referrals.urn,
        schools.partnership_code,
        referrals.referral_date,
        academic_years.academic_year,
        referrals.year_group,
        referrals.sex,
        referrals.fsm,
        referrals.sen_status,
        referrals.looked_after,
        referrals.reason,
        referrals.panel_date,
        referrals.decision,
    from referrals
    left join schools using (urn)
    left join academic_years
        -- the academic year the date falls in, as an equality join (see int_exclusions)
        on academic_years.year_start = year(referrals.referral_date) - if(month(referrals.referral_date) >= 9, 0, 1)

)

select * from final
