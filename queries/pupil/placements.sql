-- Pupil-level placements (support or provision after a panel), limited to what the viewer may see.
-- params: $scope_partnership, $scope_urn, $partnership, $urn, $academic_year
-- grain: one row per placement
-- reads: placements, referrals, schools
-- A placement belongs to the school (and so the partnership) on its referral. The $scope_ values
-- come from the signed-in viewer (dashboard/access.py), never from a page; the page's filters
-- ($partnership, $urn, $academic_year of start_date) can only narrow them. Null = no limit.
with

placement_rows as (
    select * from placements
),

referral_rows as (
    select * from referrals
),

school_rows as (
    select * from schools
),

dated as (
    select
        placement_rows.*,
        referral_rows.urn,
        referral_rows.decision,
        school_rows.school_name,
        school_rows.partnership_code,
        case when month(placement_rows.start_date) >= 9
            then year(placement_rows.start_date)
            else year(placement_rows.start_date) - 1
        end as year_start,
        year_start || '/' || lpad(((year_start + 1) % 100)::varchar, 2, '0') as academic_year,
    from placement_rows
    inner join referral_rows on referral_rows.referral_id = placement_rows.referral_id
    inner join school_rows on school_rows.urn = referral_rows.urn
),

in_scope as (
    select * from dated
    where ($scope_partnership::varchar is null or partnership_code = $scope_partnership::varchar)
      and ($scope_urn::integer is null or urn = $scope_urn::integer)
      and ($partnership::varchar is null or partnership_code = $partnership::varchar)
      and ($urn::integer is null or urn = $urn::integer)
      and ($academic_year::varchar is null or academic_year = $academic_year::varchar)
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
