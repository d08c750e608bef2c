-- purpose: the DfE comparators of every LA the reference data names, so that a metric query for the
--          LA in the settings only filters: the LA itself, its region and the median of its
--          statistical neighbours (under each model); England is the same for every LA and is not repeated
-- params: none
-- pupil counts: none
-- grain: one row per focus LA (old code), metric, academic year, area and (for sn_median) model
-- reads: fct_dfe_area_year, dim_statistical_neighbours, int_dfe__la_codes
-- LAs are matched on the old (3-digit) code, because new codes change (Somerset). sn_model_year
-- is null except on sn_median rows, which exist once per neighbour model (SEIP_SN_MODEL picks one).

with

benchmarks as (

    select * from fct_dfe_area_year

),

neighbours as (

    select focus_old_la_code, sn_old_la_code, sn_model_year, is_latest_model,
    from dim_statistical_neighbours

),

-- an LA's region: the latest exclusions file, else DfE's LA code list (LAIT names no region codes)
la_regions as (

    select
        old_la_code as focus_old_la_code,
        region_code,
    from int_dfe__la_codes
    where region_code is not null

),

local_authority as (

    select
        old_la_code as focus_old_la_code,
        metric, academic_year, area_type, area_code, area_name, value, value_symbol,
        null::integer as sn_model_year,
        null::boolean as is_latest_model,
    from benchmarks
    where area_type = 'local_authority'

),

region as (

    select
        la_regions.focus_old_la_code,
        benchmarks.metric, benchmarks.academic_year, benchmarks.area_type, benchmarks.area_code,
        benchmarks.area_name, benchmarks.value, benchmarks.value_symbol,
        null::integer as sn_model_year,
        null::boolean as is_latest_model,
    from benchmarks
    inner join la_regions
        on benchmarks.area_type = 'region'
            and benchmarks.area_code = la_regions.region_code

),

sn_median as (

    select
        neighbours.focus_old_la_code,
        benchmarks.metric,
        benchmarks.academic_year,
        'sn_median' as area_type,
        'SN_MEDIAN' as area_code,
        'Statistical neighbours (median)' as area_name,
        -- the median of the neighbours' values that are present (median skips nulls)
        median(benchmarks.value) as value,
        null::varchar as value_symbol,
        neighbours.sn_model_year,
        bool_or(neighbours.is_latest_model) as is_latest_model,
    from benchmarks
    inner join neighbours
        on benchmarks.old_la_code = neighbours.sn_old_la_code
    where benchmarks.area_type = 'local_authority'
    group by neighbours.focus_old_la_code, neighbours.sn_model_year, benchmarks.metric, benchmarks.academic_year
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
