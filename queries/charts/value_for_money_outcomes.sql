-- purpose: the placements that ended well in one year (back in mainstream, or kept to the end of Y11),
--          the denominator of the cost per successful outcome
-- params: $year, $partnership
-- pupil counts: placements_ended, successful_outcomes
-- counts add up within: none
-- grain: one row
-- reads: fct_placements
-- $partnership null means every partnership

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
        count(*) as placements_ended,
        count(*) filter (where outcome in ('reintegrated', 'sustained_to_end_y11')) as successful_outcomes,
    from ended

)

select * from final
