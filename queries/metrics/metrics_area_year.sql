-- purpose: every metric of metrics.md for the partnerships and the la_total, long (one value per row),
--          adding the sharing-formula allocation, which depends on the pupil-weight setting
-- params: $pupil_weight, $year, $partnership
-- grain: one row per metric, academic year and area (each partnership, and the la_total 'ALL')
-- reads: fct_area_year
-- $year null means every year; $partnership null means every partnership (the la_total is always kept)

with

area_years as (

    select * from fct_area_year

),

la_totals as (

    select
        academic_year,
        core_grant_gbp as all_core_grant_gbp,
        pupils_on_roll as all_pupils_on_roll,
        fsm_eligible as all_fsm_eligible,
    from area_years
    where area_type = 'la_total'

),

with_allocation as (

    select
        area_years.*,
        case
            when area_years.area_type = 'la_total' then la_totals.all_core_grant_gbp
            else la_totals.all_core_grant_gbp * (
                $pupil_weight * area_years.pupils_on_roll / nullif(la_totals.all_pupils_on_roll, 0)
                + (1 - $pupil_weight) * area_years.fsm_eligible / nullif(la_totals.all_fsm_eligible, 0)
            )
        end as formula_allocation_gbp,
    from area_years
    left join la_totals using (academic_year)
    where ($year is null or area_years.academic_year = $year)
      and ($partnership is null or area_years.area_type = 'la_total' or area_years.area_code = $partnership)

),

wide as (

    select
        academic_year,
        area_type,
        area_code,
        area_name,
        pupils_on_roll::double as pupils_on_roll,
        fsm_pct::double as fsm_pct,
        permanent_exclusions::double as permanent_exclusions,
        pex_rate::double as pex_rate,
        suspensions::double as suspensions,
        suspension_rate::double as suspension_rate,
        referrals::double as referrals,
        referred_pupils::double as referred_pupils,
        pex_after_referral::double as pex_after_referral,
        avoidance_rate::double as avoidance_rate,
        placements_started::double as placements_started,
        placement_cost_gbp::double as placement_cost_gbp,
        cost_per_placement::double as cost_per_placement,
        placements_ended::double as placements_ended,
        placements_reintegrated::double as placements_reintegrated,
        reintegration_rate::double as reintegration_rate,
        funding_gbp::double as funding_gbp,
        core_grant_gbp::double as core_grant_gbp,
        funding_per_pupil::double as funding_per_pupil,
        formula_allocation_gbp::double as formula_allocation_gbp,
        exclusions_avoided_vs_england::double as exclusions_avoided_vs_england,
        cost_per_exclusion_avoided::double as cost_per_exclusion_avoided,
    from with_allocation

),

long as (

    -- include nulls: a metric that cannot be computed is a row with a null value, not no row
    from wide
    unpivot include nulls (
        value for metric in (columns(* exclude (academic_year, area_type, area_code, area_name)))
    )

),

final as (

    select
        metric,
        academic_year,
        area_type,
        area_code,
        area_name,
        value,
    from long

)

select * from final
