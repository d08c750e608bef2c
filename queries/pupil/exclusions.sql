-- Pupil-level suspensions and permanent exclusions, limited to what the viewer may see.
-- params: $scope_partnership, $scope_urn, $partnership, $urn, $academic_year
-- grain: one row per exclusion
-- reads: exclusions, schools
-- The $scope_ values come from the signed-in viewer (dashboard/access.py), never from a page;
-- the page's filters ($partnership, $urn, $academic_year of start_date) can only narrow them.
-- Null = no limit.
with

exclusion_rows as (
    select * from exclusions
),

school_rows as (
    select * from schools
),

dated as (
    select
        exclusion_rows.*,
        school_rows.school_name,
        school_rows.partnership_code,
        case when month(exclusion_rows.start_date) >= 9
            then year(exclusion_rows.start_date)
            else year(exclusion_rows.start_date) - 1
        end as year_start,
        year_start || '/' || lpad(((year_start + 1) % 100)::varchar, 2, '0') as academic_year,
    from exclusion_rows
    inner join school_rows on school_rows.urn = exclusion_rows.urn
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
