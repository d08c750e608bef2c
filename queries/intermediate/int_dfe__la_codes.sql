-- purpose: the current DfE new code, name and region of every local authority the reference files name by
--          old (3-digit) code
-- params: none
-- pupil counts: none
-- grain: one row per old_la_code
-- reads: stg_dfe__exclusions_geography, stg_dfe__la_code_list, stg_dfe__lait, stg_dfe__statistical_neighbours
-- LAs are matched on the old code because the new code can change while the old one stays
-- (Somerset 933: E10000027 until March 2023, E06000066 since). The code published for the
-- latest academic year in an exclusions file wins; the statistical-neighbour CSV (whose codes
-- were looked up, not published with it) only fills LAs no exclusions file names. Where the
-- winning code was retired by a reorganisation that kept the old code, the successor is used;
-- LAs created after the latest exclusions file (Cumberland 942) get their ONS code from the
-- same list. Names: the latest exclusions file, else DfE's LA code list, else LAIT. Regions:
-- the latest exclusions file, else the LA code list (whose region names the loader coded).
-- An LA abolished before new codes existed (Cheshire 875, published as `x`) has no area_code.

with

geography as (

    select
        old_la_code,
        new_la_code,
        area_name as la_name,
        region_code,
        2 as priority,
        academic_year as published_for,
    from stg_dfe__exclusions_geography
    where area_type = 'local_authority'

),

neighbours as (

    select
        sn_old_la_code as old_la_code,
        sn_new_la_code as new_la_code,
        sn_la_name as la_name,
        null::varchar as region_code,
        1 as priority,
        strftime(model_date, '%Y-%m-%d') as published_for,
    from stg_dfe__statistical_neighbours
    where sn_new_la_code is not null

),

code_list as (

    select old_la_code, la_name, region_code,
    from stg_dfe__la_code_list

),

lait as (

    select
        old_la_code,
        any_value(area_name order by academic_year desc) as la_name,
    from stg_dfe__lait
    where area_type = 'local_authority'
    group by old_la_code

),

-- ONS code history: the 1 April 2023 reorganisations. Somerset and North Yorkshire kept their
-- DfE old code under a new ONS code; Cumbria (909) was split into two new LAs.
code_changes as (

    select *
    from (
        values
        ('933', 'E10000027', 'E06000066'),
        ('815', 'E10000023', 'E06000065'),
        ('942', null, 'E06000063'),
        ('943', null, 'E06000064')
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
        region_code,
    from candidates
    qualify row_number() over (
            partition by old_la_code
            order by priority desc, published_for desc, new_la_code desc
        ) = 1

),

all_codes as (

    select old_la_code from latest
    union
    select old_la_code from code_list
    union
    select old_la_code from lait

),

final as (

    select
        all_codes.old_la_code,
        case
            when (code_changes.retired_code is not distinct from latest.new_la_code)
                then code_changes.successor_code
            else latest.new_la_code
        end as area_code,
        coalesce(latest.la_name, code_list.la_name, lait.la_name) as la_name,
        coalesce(latest.region_code, code_list.region_code) as region_code,
    from all_codes
    left join latest
        on all_codes.old_la_code = latest.old_la_code
    left join code_list
        on all_codes.old_la_code = code_list.old_la_code
    left join lait
        on all_codes.old_la_code = lait.old_la_code
    left join code_changes
        on all_codes.old_la_code = code_changes.old_la_code

)

select * from final
