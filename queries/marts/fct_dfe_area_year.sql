-- purpose: the DfE benchmark figures for state-funded secondary: one value per area, year and metric
-- params: none
-- pupil counts: none
-- grain: one row per academic_year, area_type, area_code, metric
-- reads: int_dfe__exclusions_secondary, int_dfe__la_codes, stg_dfe__lait
-- metric: pupils_on_roll, permanent_exclusions, pex_rate, suspensions, suspension_rate from
-- the exclusions files; pex_rate and suspension_rate from LAIT SecPermEx / SecFixedEx for
-- (area, year) pairs no exclusions file covers; fsm_pct from LAIT SecFSM. value is null
-- when DfE published a symbol, which value_symbol then gives. An LA whose new code no
-- loaded file gives is left out, since it has no area_code to show.

with

exclusions as (

    select * from int_dfe__exclusions_secondary

),

la_codes as (

    select * from int_dfe__la_codes

),

lait as (

    select
        *,
        coalesce(old_la_code, area_code) as area_key,
    from stg_dfe__lait

),

exclusion_metrics as (

    select
        academic_year, area_type, area_key, area_name, 'pupils_on_roll' as metric,
        headcount as value, headcount_symbol as value_symbol, source
    from exclusions
    union all
    select
        academic_year, area_type, area_key, area_name, 'permanent_exclusions',
        perm_excl, perm_excl_symbol, source
    from exclusions
    union all
    select
        academic_year, area_type, area_key, area_name, 'pex_rate',
        perm_excl_rate, perm_excl_rate_symbol, source
    from exclusions
    union all
    select
        academic_year, area_type, area_key, area_name, 'suspensions',
        suspension, suspension_symbol, source
    from exclusions
    union all
    select
        academic_year, area_type, area_key, area_name, 'suspension_rate',
        susp_rate, susp_rate_symbol, source
    from exclusions

),

lait_rates as (

    select
        lait.academic_year,
        lait.area_type,
        lait.area_key,
        lait.area_name,
        case lait.measure when 'SecPermEx' then 'pex_rate' else 'suspension_rate' end as metric,
        lait.value,
        lait.value_symbol,
        'LAIT ' || lait.measure || ': ' || lait.file_name as source,
    from lait
    anti join exclusions
        on lait.academic_year = exclusions.academic_year
            and lait.area_type = exclusions.area_type
            and lait.area_key = exclusions.area_key
    where lait.measure in ('SecPermEx', 'SecFixedEx')

),

lait_fsm as (

    select
        academic_year,
        area_type,
        area_key,
        area_name,
        'fsm_pct' as metric,
        value,
        value_symbol,
        'LAIT SecFSM: ' || file_name as source,
    from lait
    where measure = 'SecFSM'

),

all_metrics as (

    select * from exclusion_metrics
    union all
    select * from lait_rates
    union all
    select * from lait_fsm

),

final as (

    select
        all_metrics.academic_year,
        all_metrics.area_type,
        case
            when all_metrics.area_type = 'local_authority' then la_codes.area_code
            else all_metrics.area_key
        end as area_code,
        case when all_metrics.area_type = 'local_authority' then all_metrics.area_key end as old_la_code,
        case
            when all_metrics.area_type = 'local_authority' then coalesce(la_codes.la_name, all_metrics.area_name)
            else all_metrics.area_name
        end as area_name,
        all_metrics.metric,
        all_metrics.value::double as value,
        all_metrics.value_symbol,
        all_metrics.source,
    from all_metrics
    left join la_codes
        on all_metrics.area_type = 'local_authority'
            and all_metrics.area_key = la_codes.old_la_code
    where all_metrics.area_type <> 'local_authority'
        or la_codes.area_code is not null

)

select * from final
