-- purpose: the partnerships and MAT groups the LA funds
-- params: none
-- pupil counts: none
-- grain: one row per partnership_code
-- reads: stg_seip__partnerships

with

partnerships as (

    select * from stg_seip__partnerships

),

final as (

    select
        partnership_code,
        partnership_name,
        kind,
        la_code,
    from partnerships

)

select * from final
