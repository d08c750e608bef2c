-- purpose: what the sharing formula needs for one year: each partnership's pupils on roll, FSM-eligible
--          pupils and the core grant it was paid
-- params: $year
-- pupil counts: none
-- grain: one row per partnership (area_type 'partnership') in the year
-- reads: fct_area_year
-- Every partnership is returned whatever the partnership filter: the formula shares one pot
-- between all of them.

with

areas as (

    select * from fct_area_year

),

final as (

    select
        area_code as partnership_code,
        area_name as partnership_name,
        pupils_on_roll,
        fsm_eligible,
        core_grant_gbp,
    from areas
    where area_type = 'partnership'
        and academic_year = $year
    order by partnership_name

)

select * from final
