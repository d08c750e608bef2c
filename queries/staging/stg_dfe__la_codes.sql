-- purpose: the current DfE new code and name of every local authority the reference files name by old (3-digit) code
-- params: none
-- pupil counts: none
-- grain: one row per old_la_code
-- reads: ref_exclusions_geography, ref_statistical_neighbours
-- LAs are matched on the old code because the new code can change while the old one stays
-- (Somerset 933: E10000027 until March 2023, E06000066 since). The code published for the
-- latest academic year in an exclusions file wins; the statistical-neighbour file (whose codes
-- were looked up, not published with it) only fills LAs no exclusions file names. Where the
-- winning code was retired by a reorganisation that kept the old code, the successor is used.

with

geography as (

    select
        old_la_code,
        new_la_code,
        area_name as la_name,
        2 as priority,
        academic_year as published_for,
    from ref_exclusions_geography
    where area_type = 'local_authority'
        and new_la_code is not null

),

neighbours as (

    select
        sn_old_la_code as old_la_code,
        sn_new_la_code as new_la_code,
        sn_la_name as la_name,
        1 as priority,
        strftime(model_date, '%Y-%m-%d') as published_for,
    from ref_statistical_neighbours
    where sn_new_la_code is not null

),

-- ONS code history: 1 April 2023 unitary reorganisations that kept the DfE old LA code.
code_changes as (

    select *
    from (values
        ('933', 'E10000027', 'E06000066'),
        ('815', 'E10000023', 'E06000065')
    ) as t (old_la_code, retired_code, successor_code)

),

candidates as (

    select * from geography
    union all
    select * from neighbours

),

latest as (

    select
        old_la_code,
        new_la_code,
        la_name,
    from candidates
    qualify row_number() over (
        partition by old_la_code
        order by priority desc, published_for desc, new_la_code desc
    ) = 1

),

final as (

    select
        latest.old_la_code,
        coalesce(code_changes.successor_code, latest.new_la_code) as area_code,
        latest.la_name,
    from latest
    left join code_changes
        on code_changes.old_la_code = latest.old_la_code
        and code_changes.retired_code = latest.new_la_code

)

select * from final
