-- purpose: data test: the la_total of every additive figure equals the sum over the partnerships
--          and MAT groups (a partnership listed twice would break it), and distinct referred
--          pupils are never more than the partnerships' sum
-- params: none
-- pupil counts: none
-- grain: one row per offending academic year (zero rows = pass)
-- reads: fct_area_year

with

area_years as (

    select * from fct_area_year

),

partnership_sums as (

    select
        academic_year,
        sum(pupils_on_roll) as pupils_on_roll,
        sum(permanent_exclusions) as permanent_exclusions,
        sum(suspensions) as suspensions,
        sum(referrals) as referrals,
        sum(referred_pupils) as referred_pupils,
        sum(placements_started) as placements_started,
        sum(placement_cost_gbp) as placement_cost_gbp,
        sum(placements_ended) as placements_ended,
        sum(funding_gbp) as funding_gbp,
    from area_years
    where area_type = 'partnership'
    group by academic_year

),

la_totals as (

    select * from area_years
    where area_type = 'la_total'

),

final as (

    select
        la_totals.academic_year,
        la_totals.pupils_on_roll as la_pupils_on_roll,
        partnership_sums.pupils_on_roll as sum_pupils_on_roll,
        la_totals.permanent_exclusions as la_permanent_exclusions,
        partnership_sums.permanent_exclusions as sum_permanent_exclusions,
    from la_totals
    left join partnership_sums using (academic_year)
    where la_totals.pupils_on_roll is distinct from partnership_sums.pupils_on_roll
        or la_totals.permanent_exclusions is distinct from partnership_sums.permanent_exclusions
        or la_totals.suspensions is distinct from partnership_sums.suspensions
        or la_totals.referrals is distinct from partnership_sums.referrals
        or la_totals.referred_pupils > partnership_sums.referred_pupils
        or la_totals.placements_started is distinct from partnership_sums.placements_started
        or abs(la_totals.placement_cost_gbp - partnership_sums.placement_cost_gbp) > 0.005
        or la_totals.placements_ended is distinct from partnership_sums.placements_ended
        or abs(la_totals.funding_gbp - partnership_sums.funding_gbp) > 0.005

)

select * from final
