-- purpose: every metric of metrics.md for the partnerships and the la_total, long (one value per row),
--          with the sharing-formula allocation for the pupil weight in the settings
-- params: $pupil_weight, $year, $partnership
-- pupil counts: none (as columns: `value` is a pupil count where metrics.yml marks the metric
-- pupil_count; access.metrics controls those rows with disclosure.suppress_rows)
-- grain: one row per metric, academic year and area (each partnership, and the la_total 'ALL')
-- reads: fct_area_year_metrics, fct_area_year
-- $year null means every year; $partnership null means every partnership, 'ALL' none (the la_total is
-- always kept)

with

metric_values as (

    select * from fct_area_year_metrics

),

area_years as (

    select * from fct_area_year

),

allocations as (

    select
        'formula_allocation_gbp' as metric,
        academic_year,
        area_type,
        area_code,
        area_name,
        case
            when area_type = 'la_total' then la_core_grant_gbp
            else la_core_grant_gbp * ($pupil_weight * pupil_share + (1 - $pupil_weight) * fsm_share)
        end::double as value,
    from area_years

),

all_values as (

    select * from metric_values
    union all
    select * from allocations

),

final as (

    select *
    from all_values
    where ($year is null or academic_year = $year)
        and ($partnership is null or area_type = 'la_total' or area_code = $partnership)

)

select * from final
