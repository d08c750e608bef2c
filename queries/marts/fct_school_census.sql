-- purpose: January census per school and year, with the school's partnership now
-- params: none
-- pupil counts: none
-- grain: one row per academic_year and urn
-- reads: int_school_census

with

census as (

    select * from int_school_census

),

final as (

    select
        academic_year,
        urn,
        partnership_code,
        pupils_on_roll,
        fsm_eligible,
        sen_support,
        ehcp,
    from census

)

select * from final
