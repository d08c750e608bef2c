-- purpose: panel referrals as exported
-- params: none
-- pupil counts: none
-- grain: one row per referral_id (pupil-level, pseudonymised)
-- reads: referrals

with

source as (

    select * from referrals

),

final as (

    select
        referral_id,
        pupil_ref,
        urn,
        referral_date,
        year_group,
        sex,
        fsm,
        sen_status,
        looked_after,
        reason,
        panel_date,
        decision,
    from source

)

select * from final
