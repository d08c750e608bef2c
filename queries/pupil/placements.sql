-- purpose: pupil-level placements (support or provision after a panel), limited to what the viewer may see
-- params: $scope_partnership, $scope_urn, $partnership, $urn, $academic_year
-- pupil counts: none (pupil rows, served only by access.pupil_rows with the viewer's scope bound)
-- grain: one row per placement
-- reads: fct_placements, fct_referrals, dim_schools
-- A placement belongs to the school (and so the partnership) on its referral. The $scope_ values
-- come from the signed-in viewer (dashboard/access.py), never from a page; the page's filters
-- ($partnership, $urn, $academic_year of start_date) can only narrow them. Null = no limit.
with

placements as (

    select * from fct_placements

),

referrals as (

    select * from fct_referrals

),

schools as (

    select * from dim_schools

),

in_scope as (

    select
        placements.*,
        placements.start_year as academic_year,
        referrals.decision,
        schools.school_name,
    from placements
    inner join referrals on placements.referral_id = referrals.referral_id
    inner join schools on placements.urn = schools.urn
    where ($scope_partnership::varchar is null or placements.partnership_code = $scope_partnership::varchar)
        and ($scope_urn::integer is null or placements.urn = $scope_urn::integer)
        and ($partnership::varchar is null or placements.partnership_code = $partnership::varchar)
        and ($urn::integer is null or placements.urn = $urn::integer)
        and ($academic_year::varchar is null or placements.start_year = $academic_year::varchar)

),

final as (

    select
        placement_id,
        referral_id,
        pupil_ref,
        academic_year,
        partnership_code,
        urn,
        school_name,
        decision,
        provider_name,
        provider_type,
        start_date,
        end_date,
        sessions_per_week,
        cost_gbp,
        outcome,
    from in_scope
    order by start_date, placement_id

)

select * from final
