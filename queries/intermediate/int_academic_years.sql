-- purpose: the academic-year calendar; an event belongs to year Y/Y+1 when 1 Sep Y <= its date <= 31 Aug Y+1
-- params: none
-- pupil counts: none
-- grain: one row per academic year, 1990/91 to 2099/00
-- reads: nothing (generated)

with

years as (

    select range::integer as year_start
    from range(1990, 2100)

),

final as (

    select
        year_start::varchar || '/' || lpad(((year_start + 1) % 100)::varchar, 2, '0') as academic_year,
        year_start,
        make_date(year_start, 9, 1) as starts_on,
        make_date(year_start + 1, 8, 31) as ends_on,
    from years

)

select * from final
