-- purpose: the partnership and MAT group codes a metrics request may name
-- params: none
-- pupil counts: none
-- grain: one row per partnership_code
-- reads: dim_partnerships

with

partnerships as (

    select * from dim_partnerships

),

final as (

    select partnership_code
    from partnerships
    order by partnership_code

)

select * from final
