-- purpose: the authority and its statistical neighbours (latest model) side by side, per year,
--          for ranking and for FSM share against exclusion rate
-- params: $la_code
-- pupil counts: none
-- grain: one row per academic_year and local authority (the focus LA and each neighbour)
-- reads: fct_dfe_area_year, dim_statistical_neighbours
-- $la_code is the authority's old 3-digit DfE code (setting SEIP_LA_CODE)

with

dfe as (

    select * from fct_dfe_area_year

),

neighbours as (

    select * from dim_statistical_neighbours

),

group_members as (

    select sn_old_la_code as old_la_code, false as is_focus
    from neighbours
    where focus_old_la_code = $la_code
        and is_latest_model
    union all
    select $la_code, true

),

values_by_area as (

    select
        dfe.academic_year,
        dfe.area_code,
        dfe.area_name,
        group_members.is_focus,
        dfe.metric,
        dfe.value,
    from dfe
    inner join group_members
        on dfe.old_la_code = group_members.old_la_code
    where dfe.area_type = 'local_authority'
        and dfe.metric in ('pex_rate', 'suspension_rate', 'fsm_pct')

),

final as (

    select
        academic_year,
        area_code,
        any_value(area_name) as area_name,
        bool_or(is_focus) as is_focus,
        max(value) filter (where metric = 'pex_rate') as pex_rate,
        max(value) filter (where metric = 'suspension_rate') as suspension_rate,
        max(value) filter (where metric = 'fsm_pct') as fsm_pct,
    from values_by_area
    group by academic_year, area_code
    order by academic_year, area_name

)

select * from final
