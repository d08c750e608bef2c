-- purpose: suspensions and permanent exclusions, each in the academic year it started and the school's partnership
-- params: none
-- pupil counts: none (pupil rows, not counts)
-- grain: one row per exclusion_id (pupil-level, pseudonymised)
-- reads: int_exclusions

with

exclusions as (

    select * from int_exclusions

),

final as (

    select
        exclusion_id,
        pupil_ref,
        urn,
        partnership_code,
        start_date,
        academic_year,
        type,
        days,
        reason,
    from exclusions

)

select * from final
