-- purpose: data test: every referral, exclusion, census row and placement start has an academic
--          year and a partnership, so no event falls out of the metrics
-- params: none
-- pupil counts: none
-- grain: one row per offending record (zero rows = pass)
-- reads: fct_referrals, fct_exclusions, fct_school_census, fct_placements,
--        dim_partnerships

with

referrals as (

    select * from fct_referrals

),

exclusions as (

    select * from fct_exclusions

),

census as (

    select * from fct_school_census

),

placements as (

    select * from fct_placements

),

partnerships as (

    select partnership_code from dim_partnerships

),

records as (

    select 'referrals' as table_name, referral_id as record_id, academic_year, partnership_code,
    from referrals
    union all
    select 'exclusions', exclusion_id, academic_year, partnership_code
    from exclusions
    union all
    select 'school_census', urn::varchar, academic_year, partnership_code
    from census
    union all
    select 'placements', placement_id, start_year, partnership_code
    from placements

),

final as (

    select records.*
    from records
    anti join partnerships using (partnership_code)
    union all
    select records.*
    from records
    where academic_year is null

)

select * from final
