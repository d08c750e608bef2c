-- purpose: the money each partnership received in one year, by funding stream
-- params: $year, $partnership
-- pupil counts: none
-- grain: one row per partnership and stream with any funding row in the year
-- reads: fct_funding, dim_partnerships
-- $partnership null means every partnership. Termly payments of a stream add up; an
-- adjustment may be negative.

with

funding as (

    select * from fct_funding

),

partnerships as (

    select * from dim_partnerships

),

final as (

    select
        funding.partnership_code,
        partnerships.partnership_name,
        funding.stream,
        sum(funding.amount_gbp)::double as amount_gbp,
    from funding
    left join partnerships using (partnership_code)
    where funding.academic_year = $year
        and ($partnership is null or funding.partnership_code = $partnership)
    group by all
    order by partnerships.partnership_name, funding.stream

)

select * from final
