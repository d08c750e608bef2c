-- purpose: DfE's exclusions by geography (England, regions, LAs; every school type), as loaded
-- params: none
-- pupil counts: none
-- grain: one row per file, academic_year, area and school_type
-- reads: ref_exclusions_geography

with

source as (

    select * from ref_exclusions_geography

),

final as (

    select
        file_name,
        academic_year,
        area_type,
        area_code,
        area_name,
        region_code,
        old_la_code,
        new_la_code,
        school_type,
        headcount,
        headcount_symbol,
        perm_excl,
        perm_excl_symbol,
        perm_excl_rate,
        perm_excl_rate_symbol,
        suspension,
        suspension_symbol,
        susp_rate,
        susp_rate_symbol,
    from source

)

select * from final
