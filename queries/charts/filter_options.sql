-- purpose: the academic years and partnerships the filter row offers: every area and year the
--          partnership data covers (the same spine as the metrics)
-- params: none
-- pupil counts: none
-- grain: one row per area (each partnership or MAT group, and the la_total 'ALL') and academic year
-- reads: fct_area_year

with

area_years as (

    select * from fct_area_year

),

final as (

    select
        academic_year,
        area_type,
        area_code,
        area_name,
    from area_years
    order by academic_year, area_type, area_code

)

select * from final
