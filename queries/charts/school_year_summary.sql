-- purpose: each school's pupils, FSM share and counts of referrals, placements and exclusions per year,
--          so a school can be set against its partnership and against schools with a similar FSM share
-- params: none
-- pupil counts: referrals, referred_pupils, placements_started, permanent_exclusions, suspensions
-- counts add up within: partnership_code, academic_year
-- grain: one row per school (urn) and academic year with a census return or any event
-- reads: dim_schools, fct_school_census, fct_referrals, fct_placements,
--        fct_exclusions
-- Placements belong to the school on their referral (metrics.md). Rates are left to the page's
-- builder, which adds up these counts for each group before dividing.

with

schools as (

    select * from dim_schools

),

census as (

    select * from fct_school_census

),

referrals as (

    select * from fct_referrals

),

placements as (

    select * from fct_placements

),

exclusions as (

    select * from fct_exclusions

),

referrals_by_school as (

    select
        urn,
        academic_year,
        count(*) as referrals,
        count(distinct pupil_ref) as referred_pupils,
    from referrals
    where academic_year is not null
    group by urn, academic_year

),

placements_by_school as (

    select
        urn,
        start_year as academic_year,
        count(*) as placements_started,
        sum(cost_gbp)::double as placement_cost_gbp,
    from placements
    where start_year is not null
    group by urn, start_year

),

exclusions_by_school as (

    select
        urn,
        academic_year,
        count(*) filter (where type = 'permanent') as permanent_exclusions,
        count(*) filter (where type = 'suspension') as suspensions,
    from exclusions
    where academic_year is not null
    group by urn, academic_year

),

school_years as (

    select urn, academic_year from census
    union
    select urn, academic_year from referrals_by_school
    union
    select urn, academic_year from placements_by_school
    union
    select urn, academic_year from exclusions_by_school

),

final as (

    select
        school_years.urn,
        schools.school_name,
        schools.partnership_code,
        schools.partnership_name,
        schools.la_code,
        school_years.academic_year,
        census.pupils_on_roll,
        census.fsm_eligible,
        coalesce(referrals_by_school.referrals, 0) as referrals,
        coalesce(referrals_by_school.referred_pupils, 0) as referred_pupils,
        coalesce(placements_by_school.placements_started, 0) as placements_started,
        coalesce(placements_by_school.placement_cost_gbp, 0) as placement_cost_gbp,
        coalesce(exclusions_by_school.permanent_exclusions, 0) as permanent_exclusions,
        coalesce(exclusions_by_school.suspensions, 0) as suspensions,
    from school_years
    left join schools using (urn)
    left join census using (urn, academic_year)
    left join referrals_by_school using (urn, academic_year)
    left join placements_by_school using (urn, academic_year)
    left join exclusions_by_school using (urn, academic_year)
    order by school_years.academic_year, schools.school_name

)

select * from final
