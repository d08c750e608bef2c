-- purpose: panel referrals, each in its academic year and the partnership of the referring school
-- params: none
-- pupil counts: none (pupil rows, not counts)
-- grain: one row per referral_id (pupil-level, pseudonymised)
-- reads: int_referrals

with

referrals as (

    select * from int_referrals

),

final as (

    select
        referral_id,
        pupil_ref,
        urn,
        partnership_code,
        referral_date,
        academic_year,
        year_group,
        sex,
        fsm,
        sen_status,
        looked_after,
        reason,
        panel_date,
        decision,
    from referrals

)

select * from final
