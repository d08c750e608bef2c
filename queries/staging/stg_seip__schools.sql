-- purpose: secondary schools as exported, each with the partnership it belongs to now
-- params: none
-- pupil counts: none
-- grain: one row per urn
-- reads: schools

with

source as (

    select * from schools

),

final as (

    select
        urn,
        school_name,
        partnership_code,
        trust_name,
        district,
    from source

)

select * from final
