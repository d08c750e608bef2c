-- purpose: DfE's statistical neighbours of every LA, by model, as loaded
-- params: none
-- pupil counts: none
-- grain: one row per model, focus LA and rank
-- reads: ref_statistical_neighbours

with

source as (

    select * from ref_statistical_neighbours

),

final as (

    select
        sn_model,
        model_date,
        focus_old_la_code,
        focus_la_name,
        rank,
        sn_old_la_code,
        sn_new_la_code,
        sn_la_name,
        closeness,
    from source

)

select * from final
