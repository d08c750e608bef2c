-- purpose: the panel the policy-impact estimates read (dashboard/impact.py): one measure for England
--          and every LA in every year DfE published it, with the LA's headcount and whether the LA is
--          one of the focus LA's statistical neighbours
-- params: $la_code, $measure, $sn_model
-- pupil counts: none (published DfE rates and headcounts of whole authorities)
-- grain: one row per area (England, each LA by its old 3-digit code) and academic year
-- reads: fct_dfe_secondary_history, dim_statistical_neighbours
-- $measure is 'pex_rate' or 'suspension_rate' (per 100 pupils, state-funded secondary); $sn_model is
-- the neighbour model's year (2025, 2021), null meaning the focus LA's latest model. pupils is the
-- headcount of the geography files, null where none is published (LAIT years).

with

history as (

    select * from fct_dfe_secondary_history

),

neighbours as (

    select distinct sn_old_la_code
    from dim_statistical_neighbours
    where focus_old_la_code = $la_code
        and (($sn_model is null and is_latest_model) or sn_model_year = $sn_model)

),

final as (

    select
        history.area_type,
        history.area_code,
        history.area_name,
        history.academic_year,
        case $measure
            when 'pex_rate' then history.pex_rate
            when 'suspension_rate' then history.suspension_rate
        end as value,
        history.headcount as pupils,
        neighbours.sn_old_la_code is not null as is_neighbour,
    from history
    left join neighbours
        on history.area_type = 'la'
            and history.area_code = neighbours.sn_old_la_code
    where history.area_type in ('england', 'la')

)

select * from final
