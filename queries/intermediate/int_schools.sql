-- purpose: secondary schools with the name and kind of the partnership each belongs to now
-- params: none
-- pupil counts: none
-- grain: one row per urn
-- reads: stg_seip__schools, stg_seip__partnerships

with

schools as (

    select * from stg_seip__schools

),

partnerships as (

    select * from stg_seip__partnerships

),

final as (

    select
        schools.urn,
        schools.school_name,
        schools.partnership_code,
        partnerships.partnership_name,
        partnerships.kind as partnership_kind,
        partnerships.la_code,
        schools.trust_name,
        schools.district,
    from schools
    left join partnerships using (partnership_code)

)

select * from final
