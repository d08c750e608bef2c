-- purpose: data test: counts are not negative, percentages lie in 0-100, and each part is no
--          larger than its whole (excluded after referral <= referred pupils <= referrals, ...)
-- params: none
-- pupil counts: none
-- grain: one row per offending area and year (zero rows = pass)
-- reads: fct_area_year

with

area_years as (

    select * from fct_area_year

),

final as (

    select
        area_type,
        area_code,
        academic_year,
        fsm_pct,
        pex_rate,
        suspension_rate,
        avoidance_rate,
        reintegration_rate,
    from area_years
    where least(
            pupils_on_roll, fsm_eligible, permanent_exclusions, suspensions, referrals,
            referred_pupils, pex_after_referral, placements_started, placements_ended,
            placements_reintegrated, placement_cost_gbp
        ) < 0
        or fsm_pct not between 0 and 100
        or pex_rate not between 0 and 100
        or suspension_rate < 0
        or avoidance_rate not between 0 and 100
        or reintegration_rate not between 0 and 100
        or pex_after_referral > referred_pupils
        or referred_pupils > referrals
        or placements_reintegrated > placements_ended

)

select * from final
