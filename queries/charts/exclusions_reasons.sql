-- purpose: why pupils were referred, suspended and permanently excluded in one year
-- params: $year, $partnership
-- pupil counts: referrals, suspensions, permanent_exclusions
-- counts add up within: all rows
-- grain: one row per reason (DfE category; 'not_recorded' when blank)
-- reads: fct_referrals, fct_exclusions
-- $partnership null means every partnership

with

referrals as (

    select * from fct_referrals

),

exclusions as (

    select * from fct_exclusions

),

events as (

    select coalesce(reason, 'not_recorded') as reason, 'referral' as kind
    from referrals
    where academic_year = $year
        and ($partnership is null or partnership_code = $partnership)
    union all
    select coalesce(reason, 'not_recorded'), type
    from exclusions
    where academic_year = $year
        and ($partnership is null or partnership_code = $partnership)

),

final as (

    select
        reason,
        count(*) filter (where kind = 'referral') as referrals,
        count(*) filter (where kind = 'suspension') as suspensions,
        count(*) filter (where kind = 'permanent') as permanent_exclusions,
    from events
    group by reason
    order by referrals desc, reason asc

)

select * from final
