-- purpose: what each kind of provider was bought for in one year: placements started, their cost,
--          cost per placement and per pupil-week, typical length, and how ended placements turned out
-- params: $year, $partnership
-- pupil counts: placements_started, placements_ended, placements_reintegrated
-- counts add up within: all rows
-- built on counts: placement_cost_gbp, cost_per_placement, cost_per_pupil_week, median_weeks <- placements_started;
--   placements_reintegrated <- placements_ended; reintegration_rate <- placements_ended + placements_reintegrated
-- decimals: cost_per_pupil_week 0, median_weeks 1
-- grain: one row per provider_type with any placement started or ended in the year
-- reads: fct_placements
-- $partnership null means every partnership. Weeks of an ongoing placement run to the date the
-- data runs to, so its cost per pupil-week falls as it goes on.

with

placements as (

    select * from fct_placements
    where $partnership is null or partnership_code = $partnership

),

started as (

    select
        provider_type,
        count(*) as placements_started,
        sum(cost_gbp)::double as placement_cost_gbp,
        sum(weeks)::double as pupil_weeks,
        median(weeks)::double as median_weeks,
    from placements
    where start_year = $year
    group by provider_type

),

ended as (

    select
        provider_type,
        count(*) as placements_ended,
        count(*) filter (where outcome = 'reintegrated') as placements_reintegrated,
    from placements
    where ended_year = $year
    group by provider_type

),

final as (

    select
        provider_type,
        coalesce(started.placements_started, 0) as placements_started,
        coalesce(started.placement_cost_gbp, 0) as placement_cost_gbp,
        started.placement_cost_gbp / nullif(started.placements_started, 0) as cost_per_placement,
        started.placement_cost_gbp / nullif(started.pupil_weeks, 0) as cost_per_pupil_week,
        started.median_weeks,
        coalesce(ended.placements_ended, 0) as placements_ended,
        coalesce(ended.placements_reintegrated, 0) as placements_reintegrated,
        100.0 * ended.placements_reintegrated / nullif(ended.placements_ended, 0) as reintegration_rate,
    from started
    full outer join ended using (provider_type)
    order by placements_started desc, provider_type asc

)

select * from final
