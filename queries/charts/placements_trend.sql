-- purpose: placements started and their cost each year, by kind of provider
-- params: $partnership
-- pupil counts: placements_started
-- counts add up within: academic_year
-- built on counts: placement_cost_gbp <- placements_started
-- grain: one row per academic year (of the start date) and provider_type
-- reads: fct_placements
-- $partnership null means every partnership

with

placements as (

    select * from fct_placements

),

final as (

    select
        start_year as academic_year,
        provider_type,
        count(*) as placements_started,
        sum(cost_gbp)::double as placement_cost_gbp,
    from placements
    where start_year is not null
        and ($partnership is null or partnership_code = $partnership)
    group by start_year, provider_type
    order by academic_year, provider_type

)

select * from final
