-- purpose: every partnership and school that a viewer's scope can name (sign-in accounts, "view as")
-- params: none
-- pupil counts: none
-- grain: one row per partnership and one per school
-- reads: dim_partnerships, dim_schools
with

partnership_rows as (
    select * from dim_partnerships
),

school_rows as (
    select * from dim_schools
),

partnership_scopes as (
    select
        'partnership' as scope_kind,
        partnership_code as scope_code,
        partnership_name || ' (' || partnership_code || ')' as scope_label,
        partnership_code,
    from partnership_rows
),

school_scopes as (
    select
        'school' as scope_kind,
        urn::varchar as scope_code,
        school_name || ' (' || urn || ')' as scope_label,
        partnership_code,
    from school_rows
),

final as (
    select * from partnership_scopes
    union all
    select * from school_scopes
    order by scope_kind, scope_label
)

select * from final
