-- purpose: what each provider costs against how often its pupils go back to mainstream, for the
--          placements that ended in one year
-- params: $year, $partnership
-- pupil counts: placements_ended, placements_reintegrated
-- counts add up within: provider_type
-- built on counts: placement_cost_gbp, cost_per_placement, placements_reintegrated <- placements_ended;
--   reintegration_rate <- placements_ended + placements_reintegrated
-- grain: one row per provider (provider_name and provider_type) with a placement ended in the year
-- reads: fct_placements
-- $partnership null means every partnership. Providers are organisations, not people.

with

placements as (

    select * from fct_placements

),

ended as (

    select * from placements
    where ended_year = $year
        and ($partnership is null or partnership_code = $partnership)

),

final as (

    select
        provider_name,
        provider_type,
        count(*) as placements_ended,
        count(*) filter (where outcome = 'reintegrated') as placements_reintegrated,
        sum(cost_gbp)::double as placement_cost_gbp,
        sum(cost_gbp)::double / count(*) as cost_per_placement,
        100.0 * count(*) filter (where outcome = 'reintegrated') / count(*) as reintegration_rate,
    from ended
    group by provider_name, provider_type
    order by provider_name, provider_type

)

select * from final
