-- purpose: who is referred compared with the school population (disproportionality), for one year
-- params: $year, $partnership
-- pupil counts: referred_pupils, all_referred_pupils
-- counts add up within: characteristic
-- built on counts: referred_pct <- referred_pupils + all_referred_pupils
-- decimals: referred_pct 1
-- grain: one row per pupil group (characteristic, group_name)
-- reads: fct_referrals, fct_school_census
-- a pupil referred more than once in the year counts once, with their first referral's details;
-- population shares exist only where the January census has them (FSM, SEN support, EHC plan)

with

referrals as (

    select * from fct_referrals

),

census as (

    select * from fct_school_census

),

referred_pupils as (

    select *
    from referrals
    where academic_year = $year
        and ($partnership is null or partnership_code = $partnership)
    qualify row_number() over (
            partition by pupil_ref order by referral_date, referral_id
        ) = 1

),

population as (

    select
        sum(pupils_on_roll) as pupils_on_roll,
        sum(fsm_eligible) as fsm_eligible,
        sum(sen_support) as sen_support,
        sum(ehcp) as ehcp,
    from census
    where academic_year = $year
        and ($partnership is null or partnership_code = $partnership)

),

pupil_groups as (

    select
        1 as sort_order, 'Free school meals' as characteristic, 'Eligible for FSM' as group_name,
        count(*) filter (where fsm) as referred_pupils, 'fsm_eligible' as census_column
    from referred_pupils
    union all
    select
        2, 'Special educational needs', 'SEN support',
        count(*) filter (where sen_status = 'K'), 'sen_support'
    from referred_pupils
    union all
    select
        3, 'Special educational needs', 'EHC plan',
        count(*) filter (where sen_status = 'E'), 'ehcp'
    from referred_pupils
    union all
    select
        4, 'Looked after', 'Looked after',
        count(*) filter (where looked_after), null
    from referred_pupils
    union all
    select 10 + year_group, 'Year group', 'Year ' || year_group::varchar, count(*), null
    from referred_pupils
    group by year_group
    union all
    select
        30 + case sex when 'F' then 1 when 'M' then 2 else 3 end, 'Sex',
        case sex when 'F' then 'Female' when 'M' then 'Male' else 'Other or not known' end,
        count(*), null
    from referred_pupils
    group by sex

),

totals as (

    select count(*) as all_referred_pupils
    from referred_pupils

),

final as (

    select
        pupil_groups.characteristic,
        pupil_groups.group_name,
        pupil_groups.referred_pupils,
        totals.all_referred_pupils,
        100.0 * pupil_groups.referred_pupils / nullif(totals.all_referred_pupils, 0) as referred_pct,
        100.0 * case pupil_groups.census_column
            when 'fsm_eligible' then population.fsm_eligible
            when 'sen_support' then population.sen_support
            when 'ehcp' then population.ehcp
        end / nullif(population.pupils_on_roll, 0) as population_pct,
    from pupil_groups
    cross join totals
    cross join population
    order by pupil_groups.sort_order

)

select * from final
