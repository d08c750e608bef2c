-- purpose: DfE LAIT values of the measures SEIP shows, as loaded
-- params: none
-- pupil counts: none
-- grain: one row per file, measure, academic_year and area
-- reads: ref_lait

with

source as (

    select * from ref_lait

),

final as (

    select
        file_name,
        measure,
        academic_year,
        area_type,
        area_code,
        old_la_code,
        area_name,
        value,
        value_symbol,
    from source

)

select * from final
