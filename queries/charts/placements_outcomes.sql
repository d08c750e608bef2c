-- purpose: how the placements that ended in one year turned out, by kind of provider
-- params: $year, $partnership
-- pupil counts: placements_ended
-- counts add up within: provider_type
-- grain: one row per provider_type and outcome with at least one placement ended in the year
-- reads: fct_placements
-- $partnership null means every partnership; ongoing placements have not ended, so are left out

with

placements as (

    select * from fct_placements

),

final as (

    select
        provider_type,
        outcome,
        count(*) as placements_ended,
    from placements
    where ended_year = $year
        and ($partnership is null or partnership_code = $partnership)
    group by provider_type, outcome
    order by provider_type, outcome

)

select * from final
