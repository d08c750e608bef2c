-- purpose: the DfE benchmark metrics (state-funded secondary) for the LA in the settings, its region,
--          England and the median of its statistical neighbours, for every year DfE published
-- params: $la_code, $year, $sn_model
-- pupil counts: none
-- grain: one row per metric, academic year and DfE area that DfE published (a value or a symbol)
-- reads: fct_dfe_benchmark_year, fct_dfe_area_year
-- $la_code is the old (3-digit) DfE LA code; $year null means every year (2006/07 on, whether or
-- not partnership data exists for it); $sn_model is the neighbour model's year (2025, 2021), null
-- meaning the LA's latest model.

with

comparators as (

    select * from fct_dfe_benchmark_year

),

benchmarks as (

    select * from fct_dfe_area_year

),

for_this_la as (

    select metric, academic_year, area_type, area_code, area_name, value, value_symbol,
    from comparators
    where focus_old_la_code = $la_code
        and (
            area_type <> 'sn_median'
            or ($sn_model is null and is_latest_model)
            or sn_model_year = $sn_model
        )

),

england as (

    select metric, academic_year, area_type, area_code, area_name, value, value_symbol,
    from benchmarks
    where area_type = 'england'

),

all_areas as (

    select * from for_this_la
    union all
    select * from england

),

final as (

    select *
    from all_areas
    where $year is null or academic_year = $year

)

select * from final
