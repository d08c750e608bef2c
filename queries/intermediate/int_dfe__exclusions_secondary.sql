-- purpose: DfE state-funded secondary exclusion figures per area and year, one source per (area, year)
-- params: none
-- pupil counts: none
-- grain: one row per academic_year, area_type, area_key (old LA code for an LA, else the area code)
-- reads: stg_dfe__exclusions_geography, stg_dfe__exclusions_national
-- The by-geography files come first; the national file adds England only for the years no
-- geography file covers (from 2010/11 the two agree; before, the geography file is preferred).

with

geography as (

    select
        academic_year,
        area_type,
        coalesce(old_la_code, area_code) as area_key,
        area_name,
        headcount, headcount_symbol,
        perm_excl, perm_excl_symbol,
        perm_excl_rate, perm_excl_rate_symbol,
        suspension, suspension_symbol,
        susp_rate, susp_rate_symbol,
        'exclusions_by_geography: ' || file_name as source,
    from stg_dfe__exclusions_geography
    where school_type = 'state_funded_secondary'

),

national as (

    select
        academic_year,
        'england' as area_type,
        area_code as area_key,
        'England' as area_name,
        headcount, headcount_symbol,
        perm_excl, perm_excl_symbol,
        perm_excl_rate, perm_excl_rate_symbol,
        suspension, suspension_symbol,
        susp_rate, susp_rate_symbol,
        'exclusions_national: ' || file_name as source,
    from stg_dfe__exclusions_national
    where school_type = 'state_funded_secondary'

),

national_only as (

    select national.*
    from national
    anti join geography
        on national.academic_year = geography.academic_year
            and national.area_type = geography.area_type
            and national.area_key = geography.area_key

),

final as (

    select * from geography
    union all
    select * from national_only

)

select * from final
