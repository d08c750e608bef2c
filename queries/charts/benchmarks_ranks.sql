-- purpose: the authority's rank and quartile band among its statistical neighbours and among all LAs,
--          per year and measure, the better end first by the measure's polarity
-- params: $la_code, $sn_model
-- pupil counts: none
-- grain: one row per academic_year and metric (pex_rate, suspension_rate) the authority has a value for
-- reads: fct_dfe_area_year, dim_statistical_neighbours, dim_dfe_measures
-- $la_code is the authority's old 3-digit DfE code; $sn_model the neighbour model's year (null: the
-- latest). Polarity is LAIT's (dim_dfe_measures; lower is better for both rates when no dictionary
-- is loaded). Rank 1 is the best; ties share the better rank. Band as LAIT's quartile bands:
-- A = the best quarter, B, C, D = the worst, from ceil(4 x rank / areas ranked). The neighbour
-- group is the authority and its ten neighbours that have a value that year.

with

dfe as (

    select * from fct_dfe_area_year

),

neighbours as (

    select * from dim_statistical_neighbours

),

measures as (

    select * from dim_dfe_measures

),

group_members as (

    select sn_old_la_code as old_la_code
    from neighbours
    where focus_old_la_code = $la_code
        and (($sn_model is null and is_latest_model) or sn_model_year = $sn_model)
    union
    select $la_code

),

scored as (

    select
        dfe.academic_year,
        dfe.metric,
        dfe.old_la_code,
        dfe.value,
        coalesce(measures.polarity, 'lower_is_better') as polarity,
        -- the better end sorts first whichever way the measure points
        case when measures.polarity = 'higher_is_better' then -dfe.value else dfe.value end as score,
        group_members.old_la_code is not null as in_group,
    from dfe
    left join measures
        on dfe.metric = measures.metric
    left join group_members
        on dfe.old_la_code = group_members.old_la_code
    where dfe.area_type = 'local_authority'
        and dfe.metric in ('pex_rate', 'suspension_rate')
        and dfe.value is not null

),

among_all as (

    select
        *,
        rank() over (partition by academic_year, metric order by score) as rank_all,
        count(*) over (partition by academic_year, metric) as las_all,
    from scored

),

among_neighbours as (

    select
        academic_year,
        metric,
        old_la_code,
        rank() over (partition by academic_year, metric order by score) as rank_neighbours,
        count(*) over (partition by academic_year, metric) as las_neighbours,
    from scored
    where in_group

),

final as (

    select
        among_all.academic_year,
        among_all.metric,
        among_all.polarity,
        among_all.value,
        among_neighbours.rank_neighbours,
        among_neighbours.las_neighbours,
        substr('ABCD', ceil(4 * among_neighbours.rank_neighbours / among_neighbours.las_neighbours)::integer, 1)
            as band_neighbours,
        among_all.rank_all,
        among_all.las_all,
        substr('ABCD', ceil(4 * among_all.rank_all / among_all.las_all)::integer, 1) as band_all,
    from among_all
    inner join among_neighbours
        on among_all.academic_year = among_neighbours.academic_year
            and among_all.metric = among_neighbours.metric
            and among_all.old_la_code = among_neighbours.old_la_code
    where among_all.old_la_code = $la_code

    order by metric, academic_year

)

select * from final
