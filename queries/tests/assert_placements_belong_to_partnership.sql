-- purpose: data test: every placement reaches a partnership through its referral's school, and is
--          for the pupil of that referral
-- params: none
-- pupil counts: none
-- grain: one row per offending placement (zero rows = pass)
-- reads: fct_placements, fct_referrals, dim_partnerships

with

placements as (

    select * from fct_placements

),

referrals as (

    select referral_id, pupil_ref as referral_pupil_ref from fct_referrals

),

partnerships as (

    select partnership_code from dim_partnerships

),

final as (

    select
        placements.placement_id,
        placements.referral_id,
        placements.partnership_code,
    from placements
    left join referrals using (referral_id)
    left join partnerships using (partnership_code)
    where partnerships.partnership_code is null
        or referrals.referral_pupil_ref is distinct from placements.pupil_ref

)

select * from final
