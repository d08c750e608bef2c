-- purpose: DfE's list of LA codes, names and regions, as loaded
-- params: none
-- pupil counts: none
-- grain: one row per old_la_code
-- reads: ref_la_codes

with

source as (

    select * from ref_la_codes

),

final as (

    select
        old_la_code,
        la_name,
        region_code,
    from source

)

select * from final
