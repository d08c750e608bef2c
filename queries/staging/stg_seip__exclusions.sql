-- purpose: suspensions and permanent exclusions as exported
-- params: none
-- pupil counts: none
-- grain: one row per exclusion_id (pupil-level, pseudonymised)
-- reads: exclusions

with

source as (

    select * from exclusions

),

final as (

    select
        exclusion_id,
        pupil_ref,
        urn,
        start_date,
        type,
        days,
        reason,
    from source

)

select * from final
