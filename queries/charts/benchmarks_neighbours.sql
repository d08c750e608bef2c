-- purpose: the authority and its statistical neighbours (the chosen model) side by side, per year,
--          for ranking and for FSM share against exclusion rate
-- params: $la_code, $sn_model
-- pupil counts: none
-- grain: one row per academic_year and local authority (the focus LA and each neighbour)
-- reads: fct_dfe_area_year, dim_statistical_neighbours
-- $la_code is the authority's old 3-digit DfE code (setting SEIP_LA_CODE); $sn_model the neighbour
-- model's year (SEIP_SN_MODEL; null: the authority's latest model), named in sn_model

with

dfe as (

    select * from fct_dfe_area_year

),

neighbours as (

    select * from dim_statistical_neighbours

),

group_members as (

    select sn_old_la_code as old_la_code, false as is_focus, sn_model
    from neighbours
    where focus_old_la_code = $la_code
        and (($sn_model is null and is_latest_model) or sn_model_year = $sn_model)
    union all
    select $la_code, true, null

),

values_by_area as (

    select
        dfe.academic_year,
        dfe.area_code,
        dfe.area_name,
        group_members.is_focus,
        group_members.sn_model,
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
        max(max(sn_model)) over () as sn_model,
        max(value) filter (where metric = 'pex_rate') as pex_rate,
        max(value) filter (where metric = 'suspension_rate') as suspension_rate,
        max(value) filter (where metric = 'fsm_pct') as fsm_pct,
    from values_by_area
    group by academic_year, area_code
    order by academic_year, area_name

)

select * from final
