-- purpose: the partnerships and MAT groups the LA funds
-- params: none
-- pupil counts: none
-- grain: one row per partnership_code
-- reads: partnerships

with

source as (

    select * from partnerships

),

final as (

    select
        partnership_code,
        partnership_name,
        kind,
        la_code,
    from source

)

select * from final
