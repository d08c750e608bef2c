-- purpose: what DfE's LAIT dictionary says about each measure, as loaded
-- params: none
-- pupil counts: none
-- grain: one row per measure
-- reads: ref_lait_dictionary

with

source as (

    select * from ref_lait_dictionary

),

final as (

    select
        measure,
        title,
        polarity,
        decimals,
        description,
        methodology,
        last_update,
        next_update,
        next_update_note,
    from source

)

select * from final
