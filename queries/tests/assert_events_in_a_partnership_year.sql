-- purpose: data test: every referral, exclusion, census row and placement start has an academic
--          year and a partnership, so no event falls out of the metrics
-- params: none
-- pupil counts: none
-- grain: one row per offending record (zero rows = pass)
-- reads: stg_seip__referrals, stg_seip__exclusions, stg_seip__school_census, stg_seip__placements,
--        stg_seip__partnerships

with

referrals as (

    select * from stg_seip__referrals

),

exclusions as (

    select * from stg_seip__exclusions

),

census as (

    select * from stg_seip__school_census

),

placements as (

    select * from stg_seip__placements

),

partnerships as (

    select partnership_code from stg_seip__partnerships

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
