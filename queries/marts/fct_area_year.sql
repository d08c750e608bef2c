-- purpose: every partnership figure of metrics.md that needs no setting, per area and academic year:
--          the counts behind the metrics, the rates, costs and comparisons built on them, and the
--          parts of the sharing formula (the la_total core grant, the area's pupil and FSM shares)
-- params: none
-- pupil counts: permanent_exclusions, suspensions, referrals, referred_pupils, pex_after_referral,
--   placements_started, placements_ended, placements_reintegrated
-- counts add up within: academic_year, area_type
-- grain: one row per area (each partnership or MAT group, and the la_total 'ALL') and academic year
--        in which the warehouse has any partnership data
-- reads: dim_partnerships, fct_school_census, fct_funding, fct_referrals, fct_placements, fct_exclusions,
--        fct_dfe_area_year

with

partnerships as (

    select * from dim_partnerships

),

census as (

    select * from fct_school_census

),

funding as (

    select * from fct_funding

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

england_pex_rates as (

    select
        academic_year,
        value as england_pex_rate,
    from fct_dfe_area_year
    where area_type = 'england'
        and metric = 'pex_rate'
        and value is not null

),

data_years as (

    select academic_year from census
    union
    select academic_year from funding
    union
    select academic_year from referrals
    union
    select start_year from placements
    union
    select end_year from placements
    where end_year is not null
    union
    select academic_year from exclusions

),

areas as (

    select
        'partnership' as area_type,
        partnership_code as area_code,
        partnership_name as area_name,
    from partnerships
    union all
    select 'la_total', 'ALL', 'All partnerships'

),

-- each partnership belongs to two areas: itself and the la_total. Facts are joined to it and
-- grouped by area, so distinct pupils are counted once in the la_total even when two
-- partnerships referred them
area_members as (

    select partnership_code, 'partnership' as area_type, partnership_code as area_code,
    from partnerships
    union all
    select partnership_code, 'la_total', 'ALL'
    from partnerships

),

spine as (

    select
        areas.area_type,
        areas.area_code,
        areas.area_name,
        data_years.academic_year,
    from areas
    cross join data_years

),

census_by_area as (

    select
        academic_year,
        area_type,
        area_code,
        sum(pupils_on_roll) as pupils_on_roll,
        sum(fsm_eligible) as fsm_eligible,
    from census
    inner join area_members using (partnership_code)
    group by all

),

exclusions_by_area as (

    select
        academic_year,
        area_type,
        area_code,
        count(*) filter (where type = 'permanent') as permanent_exclusions,
        count(*) filter (where type = 'suspension') as suspensions,
    from exclusions
    inner join area_members using (partnership_code)
    group by all

),

last_permanent_exclusions as (

    select
        pupil_ref,
        max(start_date) as last_permanent_exclusion_date,
    from exclusions
    where type = 'permanent'
    group by pupil_ref

),

first_referrals as (

    select
        academic_year,
        area_type,
        area_code,
        pupil_ref,
        count(*) as referrals,
        min(referral_date) as first_referral_date,
    from referrals
    inner join area_members using (partnership_code)
    group by all

),

referrals_by_area as (

    select
        first_referrals.academic_year,
        first_referrals.area_type,
        first_referrals.area_code,
        sum(first_referrals.referrals)::bigint as referrals,
        count(*) as referred_pupils,
        -- a permanent exclusion at any school, in this or any later year, on or after the first referral
        count(*) filter (
            where pex.last_permanent_exclusion_date >= first_referrals.first_referral_date
        ) as pex_after_referral,
    from first_referrals
    left join last_permanent_exclusions as pex using (pupil_ref)
    group by all

),

placements_started_by_area as (

    select
        start_year as academic_year,
        area_type,
        area_code,
        count(*) as placements_started,
        sum(cost_gbp) as placement_cost_gbp,
    from placements
    inner join area_members using (partnership_code)
    group by all

),

placements_ended_by_area as (

    select
        ended_year as academic_year,
        area_type,
        area_code,
        count(*) as placements_ended,
        count(*) filter (where outcome = 'reintegrated') as placements_reintegrated,
    from placements
    inner join area_members using (partnership_code)
    where ended_year is not null
    group by all

),

funding_by_area as (

    select
        academic_year,
        area_type,
        area_code,
        sum(amount_gbp) as funding_gbp,
        coalesce(sum(amount_gbp) filter (where stream = 'core_grant'), 0) as core_grant_gbp,
    from funding
    inner join area_members using (partnership_code)
    group by all

),

counts as (

    select
        spine.area_type,
        spine.area_code,
        spine.area_name,
        spine.academic_year,
        census_by_area.pupils_on_roll,
        census_by_area.fsm_eligible,
        -- events are listed in full, so a year without any is 0; a missing census or funding
        -- return is unknown, so it stays null
        coalesce(exclusions_by_area.permanent_exclusions, 0) as permanent_exclusions,
        coalesce(exclusions_by_area.suspensions, 0) as suspensions,
        coalesce(referrals_by_area.referrals, 0) as referrals,
        coalesce(referrals_by_area.referred_pupils, 0) as referred_pupils,
        coalesce(referrals_by_area.pex_after_referral, 0) as pex_after_referral,
        coalesce(placements_started_by_area.placements_started, 0) as placements_started,
        coalesce(placements_started_by_area.placement_cost_gbp, 0)::double as placement_cost_gbp,
        coalesce(placements_ended_by_area.placements_ended, 0) as placements_ended,
        coalesce(placements_ended_by_area.placements_reintegrated, 0) as placements_reintegrated,
        funding_by_area.funding_gbp::double as funding_gbp,
        funding_by_area.core_grant_gbp::double as core_grant_gbp,
        england_pex_rates.england_pex_rate,
    from spine
    left join census_by_area using (academic_year, area_type, area_code)
    left join exclusions_by_area using (academic_year, area_type, area_code)
    left join referrals_by_area using (academic_year, area_type, area_code)
    left join placements_started_by_area using (academic_year, area_type, area_code)
    left join placements_ended_by_area using (academic_year, area_type, area_code)
    left join funding_by_area using (academic_year, area_type, area_code)
    left join england_pex_rates using (academic_year)

),

rates as (

    select
        *,
        100.0 * fsm_eligible / nullif(pupils_on_roll, 0) as fsm_pct,
        100.0 * permanent_exclusions / nullif(pupils_on_roll, 0) as pex_rate,
        100.0 * suspensions / nullif(pupils_on_roll, 0) as suspension_rate,
        100.0 * (referred_pupils - pex_after_referral) / nullif(referred_pupils, 0) as avoidance_rate,
        placement_cost_gbp / nullif(placements_started, 0) as cost_per_placement,
        100.0 * placements_reintegrated / nullif(placements_ended, 0) as reintegration_rate,
        funding_gbp / nullif(pupils_on_roll, 0) as funding_per_pupil,
        pupils_on_roll * england_pex_rate / 100 - permanent_exclusions as exclusions_avoided_vs_england,
    from counts

),

la_totals as (

    select
        academic_year,
        core_grant_gbp as la_core_grant_gbp,
        pupils_on_roll as la_pupils_on_roll,
        fsm_eligible as la_fsm_eligible,
    from counts
    where area_type = 'la_total'

),

final as (

    select
        rates.*,
        if(
            rates.exclusions_avoided_vs_england > 0,
            rates.placement_cost_gbp / rates.exclusions_avoided_vs_england, null
        ) as cost_per_exclusion_avoided,
        -- the sharing formula's parts; the pupil weight is a setting, applied in metrics_area_year
        la_totals.la_core_grant_gbp,
        rates.pupils_on_roll / nullif(la_totals.la_pupils_on_roll, 0) as pupil_share,
        rates.fsm_eligible / nullif(la_totals.la_fsm_eligible, 0) as fsm_share,
    from rates
    left join la_totals using (academic_year)

)

select * from final
