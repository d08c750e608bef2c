-- purpose: data test: a school's FSM-eligible pupils lie between 0 and its pupils on roll
-- params: none
-- pupil counts: none
-- grain: one row per offending census row (zero rows = pass)
-- reads: stg_seip__school_census

with

census as (

    select * from stg_seip__school_census

),

final as (

    select
        academic_year,
        urn,
        pupils_on_roll,
        fsm_eligible,
    from census
    where fsm_eligible > pupils_on_roll
        or fsm_eligible < 0
        or pupils_on_roll < 0

)

select * from final
