-- purpose: how long the placements that ended in one year lasted, by kind of provider
-- params: $year, $partnership
-- pupil counts: placements_ended
-- counts add up within: provider_type
-- grain: one row per provider_type and length band with at least one placement ended in the year
-- reads: fct_placements
-- $partnership null means every partnership. Bands follow school terms: a half term is about
-- 6 weeks, a term 12-13, a school year 39.

with

placements as (

    select * from fct_placements

),

ended as (

    select
        provider_type,
        weeks,
    from placements
    where ended_year = $year
        and ($partnership is null or partnership_code = $partnership)

),

banded as (

    select
        provider_type,
        case
            when weeks < 6 then 1
            when weeks < 13 then 2
            when weeks < 26 then 3
            when weeks < 39 then 4
            else 5
        end as band_order,
    from ended

),

final as (

    select
        provider_type,
        band_order,
        case band_order
            when 1 then 'Under 6 weeks'
            when 2 then '6 to 12 weeks'
            when 3 then '13 to 25 weeks'
            when 4 then '26 to 38 weeks'
            else '39 weeks or more'
        end as duration,
        count(*) as placements_ended,
    from banded
    group by provider_type, band_order
    order by provider_type, band_order

)

select * from final
