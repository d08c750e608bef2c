-- purpose: January census per school and year, as exported
-- params: none
-- pupil counts: none
-- grain: one row per academic_year and urn
-- reads: school_census

with

source as (

    select * from school_census

),

final as (

    select
        academic_year,
        urn,
        pupils_on_roll,
        fsm_eligible,
        sen_support,
        ehcp,
    from source

)

select * from final
