-- purpose: the referral journey of one year's referrals: referred -> panel decision -> provision (its latest
--          placement's provider type) -> outcome
-- params: $year, $partnership
-- pupil counts: referrals
-- counts add up within: step, source
-- grain: one row per link (step, source, target); referrals = distinct referrals that followed it
-- reads: fct_referrals, fct_placements
-- $partnership null means every partnership; a referral with several placements follows its latest

with

referrals as (

    select * from fct_referrals

),

placements as (

    select * from fct_placements

),

chosen_referrals as (

    select referral_id, decision
    from referrals
    where academic_year = $year
        and ($partnership is null or partnership_code = $partnership)

),

latest_placement as (

    select
        referral_id,
        provider_type,
        outcome,
    from placements
    where referral_id in (select referral_id from chosen_referrals)
    qualify row_number() over (
            partition by referral_id order by start_date desc, placement_id desc
        ) = 1

),

journeys as (

    select
        chosen_referrals.referral_id,
        chosen_referrals.decision,
        latest_placement.provider_type,
        latest_placement.outcome,
    from chosen_referrals
    left join latest_placement using (referral_id)

),

links as (

    select 1 as step, 'referred' as source, decision as target, referral_id
    from journeys
    union all
    select 2, decision, provider_type, referral_id
    from journeys
    where provider_type is not null
    union all
    select 3, provider_type, outcome, referral_id
    from journeys
    where provider_type is not null

),

final as (

    select
        step,
        source,
        target,
        count(distinct referral_id) as referrals,
    from links
    group by step, source, target
    order by step, source, target

)

select * from final
