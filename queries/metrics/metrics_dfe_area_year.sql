-- purpose: the DfE benchmark metrics (state-funded secondary) for the LA in the settings, its region,
--          England and the median of its statistical neighbours, for the years the partnerships have data
-- params: $la_code, $year
-- pupil counts: none
-- grain: one row per metric, academic year and DfE area that DfE published (a value or a symbol)
-- reads: fct_dfe_benchmark_year, fct_dfe_area_year, fct_area_year
-- $la_code is the old (3-digit) DfE LA code; $year null means every year.

with

comparators as (

    select * from fct_dfe_benchmark_year

),

benchmarks as (

    select * from fct_dfe_area_year

),

data_years as (

    select distinct academic_year
    from fct_area_year
    where $year is null or academic_year = $year

),

for_this_la as (

    select metric, academic_year, area_type, area_code, area_name, value, value_symbol,
    from comparators
    where focus_old_la_code = $la_code

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

    select all_areas.*
    from all_areas
    semi join data_years using (academic_year)

)

select * from final
