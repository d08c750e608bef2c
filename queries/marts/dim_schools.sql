-- purpose: secondary schools with the partnership each belongs to now
-- params: none
-- pupil counts: none
-- grain: one row per urn
-- reads: int_schools

with

schools as (

    select * from int_schools

),

final as (

    select
        urn,
        school_name,
        partnership_code,
        partnership_name,
        partnership_kind,
        la_code,
        trust_name,
        district,
    from schools

)

select * from final
