-- purpose: the DfE benchmark metrics (state-funded secondary) for the LA in the settings, its region,
--          England and the median of its statistical neighbours, for the years the partnerships have data
-- params: $la_code, $year
-- grain: one row per metric, academic year and DfE area that DfE published (a value or a symbol)
-- reads: fct_dfe_area_year, dim_statistical_neighbours, fct_area_year, ref_exclusions_geography
-- $la_code is the old (3-digit) DfE LA code; LAs are matched on it because new codes change (Somerset).
-- $year null means every year.

with

benchmarks as (

    select * from fct_dfe_area_year

),

latest_neighbours as (

    select sn_old_la_code
    from dim_statistical_neighbours
    where focus_old_la_code = $la_code
      and is_latest_model

),

-- LAIT names regions without codes, so the LA's region comes from the latest geography file
la_region as (

    select region_code
    from ref_exclusions_geography
    where area_type = 'local_authority'
      and old_la_code = $la_code
      and region_code is not null
    order by academic_year desc
    limit 1

),

data_years as (

    select distinct academic_year
    from fct_area_year
    where $year is null or academic_year = $year

),

chosen as (

    select benchmarks.*
    from benchmarks
    semi join data_years using (academic_year)

),

local_authority as (

    select metric, academic_year, area_type, area_code, area_name, value, value_symbol,
    from chosen
    where area_type = 'local_authority'
      and old_la_code = $la_code

),

region as (

    select metric, academic_year, area_type, area_code, area_name, value, value_symbol,
    from chosen
    where area_type = 'region'
      and area_code in (select region_code from la_region)

),

england as (

    select metric, academic_year, area_type, area_code, area_name, value, value_symbol,
    from chosen
    where area_type = 'england'

),

sn_median as (

    select
        chosen.metric,
        chosen.academic_year,
        'sn_median' as area_type,
        'SN_MEDIAN' as area_code,
        'Statistical neighbours (median)' as area_name,
        -- the median of the neighbours' values that are present (median skips nulls)
        median(chosen.value) as value,
        null::varchar as value_symbol,
    from chosen
    inner join latest_neighbours
        on chosen.old_la_code = latest_neighbours.sn_old_la_code
    where chosen.area_type = 'local_authority'
    group by chosen.metric, chosen.academic_year
    having count(chosen.value) > 0

),

final as (

    select * from local_authority
    union all
    select * from region
    union all
    select * from england
    union all
    select * from sn_median

)

select * from final
