-- purpose: the metrics of fct_area_year, long, so that a metric query only filters: every metric
--          of the dictionary for partnerships and the la_total except formula_allocation_gbp,
--          which depends on the pupil-weight setting (metrics_area_year adds it)
-- params: none
-- pupil counts: none (as columns: `value` is a pupil count where metrics.yml marks the metric
-- pupil_count; access.metrics controls those rows with disclosure.suppress_rows)
-- grain: one row per metric, academic year and area (each partnership, and the la_total 'ALL')
-- reads: fct_area_year

with

area_years as (

    select * from fct_area_year

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
        exclusions_avoided_vs_england::double as exclusions_avoided_vs_england,
        cost_per_exclusion_avoided::double as cost_per_exclusion_avoided,
    from area_years

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
