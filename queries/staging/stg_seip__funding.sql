-- purpose: money received by each partnership or MAT group, in pounds
-- params: none
-- pupil counts: none
-- grain: one row per funding payment (several per partnership, year and stream add up)
-- reads: funding

with

source as (

    select * from funding

),

final as (

    select
        academic_year,
        partnership_code,
        stream,
        amount_gbp,
        paid_date,
        note,
    from source

)

select * from final
