-- purpose: the DfE comparators of every LA the reference data names, so that a metric query for the
--          LA in the settings only filters: the LA itself, its region and the median of its
--          statistical neighbours (latest model); England is the same for every LA and is not repeated
-- params: none
-- pupil counts: none
-- grain: one row per focus LA (old code), metric, academic year and area
-- reads: fct_dfe_area_year, dim_statistical_neighbours, ref_exclusions_geography
-- LAs are matched on the old (3-digit) code, because new codes change (Somerset).

with

benchmarks as (

    select * from fct_dfe_area_year

),

latest_neighbours as (

    select focus_old_la_code, sn_old_la_code
    from dim_statistical_neighbours
    where is_latest_model

),

-- LAIT names regions without codes, so an LA's region comes from the latest geography file
la_regions as (

    select
        old_la_code as focus_old_la_code,
        region_code,
    from ref_exclusions_geography
    where area_type = 'local_authority'
      and region_code is not null
    qualify row_number() over (partition by old_la_code order by academic_year desc) = 1

),

local_authority as (

    select
        old_la_code as focus_old_la_code,
        metric, academic_year, area_type, area_code, area_name, value, value_symbol,
    from benchmarks
    where area_type = 'local_authority'

),

region as (

    select
        la_regions.focus_old_la_code,
        benchmarks.metric, benchmarks.academic_year, benchmarks.area_type, benchmarks.area_code,
        benchmarks.area_name, benchmarks.value, benchmarks.value_symbol,
    from benchmarks
    inner join la_regions
        on benchmarks.area_type = 'region'
        and benchmarks.area_code = la_regions.region_code

),

sn_median as (

    select
        latest_neighbours.focus_old_la_code,
        benchmarks.metric,
        benchmarks.academic_year,
        'sn_median' as area_type,
        'SN_MEDIAN' as area_code,
        'Statistical neighbours (median)' as area_name,
        -- the median of the neighbours' values that are present (median skips nulls)
        median(benchmarks.value) as value,
        null::varchar as value_symbol,
    from benchmarks
    inner join latest_neighbours
        on benchmarks.old_la_code = latest_neighbours.sn_old_la_code
    where benchmarks.area_type = 'local_authority'
    group by latest_neighbours.focus_old_la_code, benchmarks.metric, benchmarks.academic_year
    having count(benchmarks.value) > 0

),

final as (

    select * from local_authority
    union all
    select * from region
    union all
    select * from sn_median

)

select * from final
