-- purpose: data test: the metric marts keep their grain, one row per area and year
--          (fct_area_year) and per metric, area and year (fct_area_year_metrics)
-- params: none
-- pupil counts: none
-- grain: one row per duplicated key (zero rows = pass)
-- reads: fct_area_year, fct_area_year_metrics

with

area_years as (

    select * from fct_area_year

),

metric_values as (

    select * from fct_area_year_metrics

),

final as (

    select 'fct_area_year' as mart, null as metric, area_type, area_code, academic_year, count(*) as copies,
    from area_years
    group by area_type, area_code, academic_year
    having count(*) > 1
    union all
    select 'fct_area_year_metrics', metric, area_type, area_code, academic_year, count(*)
    from metric_values
    group by metric, area_type, area_code, academic_year
    having count(*) > 1

)

select * from final
