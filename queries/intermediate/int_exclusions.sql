-- purpose: suspensions and permanent exclusions with their academic year and the school's partnership
-- params: none
-- pupil counts: none
-- grain: one row per exclusion_id (pupil-level, pseudonymised)
-- reads: stg_seip__exclusions, stg_seip__schools, int_academic_years

with

exclusions as (

    select * from stg_seip__exclusions

),

schools as (

    select * from stg_seip__schools

),

academic_years as (

    select * from int_academic_years

),

final as (

    select
        exclusions.exclusion_id,
        exclusions.pupil_ref,
        exclusions.urn,
        schools.partnership_code,
        exclusions.start_date,
        academic_years.academic_year,
        exclusions.type,
        exclusions.days,
        exclusions.reason,
    from exclusions
    left join schools using (urn)
    left join academic_years
        on exclusions.start_date between academic_years.starts_on and academic_years.ends_on

)

select * from final
