-- purpose: every LA's DfE statistical neighbours, by model, with the latest model flagged
-- params: none
-- pupil counts: none
-- grain: one row per focus_old_la_code, sn_model, rank
-- reads: stg_dfe__statistical_neighbours, int_dfe__la_codes
-- sn_model_year is the year the model was published (2025 for CSSNBT May 2025): the setting
-- SEIP_SN_MODEL chooses a model by it, and is_latest_model marks each LA's newest model.
-- sn_new_la_code is the neighbour's current code (as in fct_dfe_area_year.area_code), so
-- Somerset, listed under E10000027, joins the benchmark rows under E06000066. Names come from
-- the exclusions files or DfE's LA code list where the neighbour file gives none (the workbooks).

with

neighbours as (

    select * from stg_dfe__statistical_neighbours

),

la_codes as (

    select * from int_dfe__la_codes

),

latest_models as (

    select
        focus_old_la_code,
        max(model_date) as latest_model_date,
    from neighbours
    group by focus_old_la_code

),

final as (

    select
        neighbours.focus_old_la_code,
        coalesce(focus_codes.la_name, neighbours.focus_la_name) as focus_la_name,
        neighbours.sn_model,
        year(neighbours.model_date) as sn_model_year,
        neighbours.model_date,
        neighbours.model_date = latest_models.latest_model_date as is_latest_model,
        neighbours.rank,
        neighbours.sn_old_la_code,
        coalesce(la_codes.area_code, neighbours.sn_new_la_code) as sn_new_la_code,
        coalesce(neighbours.sn_la_name, la_codes.la_name) as sn_la_name,
        neighbours.closeness,
    from neighbours
    inner join latest_models
        on neighbours.focus_old_la_code = latest_models.focus_old_la_code
    left join la_codes
        on neighbours.sn_old_la_code = la_codes.old_la_code
    left join la_codes as focus_codes
        on neighbours.focus_old_la_code = focus_codes.old_la_code

)

select * from final
