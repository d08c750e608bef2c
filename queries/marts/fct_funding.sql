-- purpose: money received by each partnership or MAT group, in pounds
-- params: none
-- pupil counts: none
-- grain: one row per funding payment (several per partnership, year and stream add up)
-- reads: stg_seip__funding

with

funding as (

    select * from stg_seip__funding

),

final as (

    select
        academic_year,
        partnership_code,
        stream,
        amount_gbp,
        paid_date,
        note,
    from funding

)

select * from final
