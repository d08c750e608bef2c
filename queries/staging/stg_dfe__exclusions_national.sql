-- purpose: DfE's national exclusions file (England; every school type), as loaded
-- params: none
-- pupil counts: none
-- grain: one row per file, academic_year and school_type
-- reads: ref_exclusions_national

with

source as (

    select * from ref_exclusions_national

),

final as (

    select
        file_name,
        academic_year,
        area_code,
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
