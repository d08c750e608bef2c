-- purpose: pupil-level suspensions and permanent exclusions, limited to what the viewer may see
-- params: $scope_partnership, $scope_urn, $partnership, $urn, $academic_year
-- pupil counts: none (pupil rows, served only by access.pupil_rows with the viewer's scope bound)
-- grain: one row per exclusion
-- reads: fct_exclusions, dim_schools
-- The $scope_ values come from the signed-in viewer (dashboard/access.py), never from a page;
-- the page's filters ($partnership, $urn, $academic_year of start_date) can only narrow them.
-- Null = no limit.
with

exclusions as (

    select * from fct_exclusions

),

schools as (

    select * from dim_schools

),

in_scope as (

    select
        exclusions.*,
        schools.school_name,
    from exclusions
    inner join schools on exclusions.urn = schools.urn
    where ($scope_partnership::varchar is null or exclusions.partnership_code = $scope_partnership::varchar)
        and ($scope_urn::integer is null or exclusions.urn = $scope_urn::integer)
        and ($partnership::varchar is null or exclusions.partnership_code = $partnership::varchar)
        and ($urn::integer is null or exclusions.urn = $urn::integer)
        and ($academic_year::varchar is null or exclusions.academic_year = $academic_year::varchar)

),

final as (

    select
        exclusion_id,
        pupil_ref,
        academic_year,
        partnership_code,
        urn,
        school_name,
        start_date,
        type,
        days,
        reason,
    from in_scope
    order by start_date, exclusion_id

)

select * from final
