-- purpose: pupil-level referrals to partnership panels, limited to what the viewer may see
-- params: $scope_partnership, $scope_urn, $partnership, $urn, $academic_year
-- pupil counts: none (pupil rows, served only by access.pupil_rows with the viewer's scope bound)
-- grain: one row per referral
-- reads: fct_referrals, dim_schools
-- The $scope_ values come from the signed-in viewer (dashboard/access.py), never from a page;
-- the page's filters ($partnership, $urn, $academic_year) can only narrow them. Null = no limit.
with

referrals as (

    select * from fct_referrals

),

schools as (

    select * from dim_schools

),

in_scope as (

    select
        referrals.*,
        schools.school_name,
    from referrals
    inner join schools on referrals.urn = schools.urn
    where ($scope_partnership::varchar is null or referrals.partnership_code = $scope_partnership::varchar)
        and ($scope_urn::integer is null or referrals.urn = $scope_urn::integer)
        and ($partnership::varchar is null or referrals.partnership_code = $partnership::varchar)
        and ($urn::integer is null or referrals.urn = $urn::integer)
        and ($academic_year::varchar is null or referrals.academic_year = $academic_year::varchar)

),

final as (

    select
        referral_id,
        pupil_ref,
        academic_year,
        partnership_code,
        urn,
        school_name,
        referral_date,
        year_group,
        sex,
        fsm,
        sen_status,
        looked_after,
        reason,
        panel_date,
        decision,
    from in_scope
    order by referral_date, referral_id

)

select * from final
