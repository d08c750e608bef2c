-- purpose: January census per school and year, with the school's partnership now
-- params: none
-- pupil counts: none
-- grain: one row per academic_year and urn
-- reads: stg_seip__school_census, stg_seip__schools

with

census as (

    select * from stg_seip__school_census

),

schools as (

    select * from stg_seip__schools

),

final as (

    select
        census.academic_year,
        census.urn,
        schools.partnership_code,
        census.pupils_on_roll,
        census.fsm_eligible,
        census.sen_support,
        census.ehcp,
    from census
    left join schools using (urn)

)

select * from final
