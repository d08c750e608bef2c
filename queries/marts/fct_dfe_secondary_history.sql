-- purpose: the published state-funded secondary exclusion history of England, every region and every LA,
--          one row per area and year, for the policy-impact estimates and the benchmark history
-- params: none
-- pupil counts: none
-- grain: one row per area_type, area_code, academic_year
-- reads: fct_dfe_area_year, int_dfe__la_codes
-- The same figures as fct_dfe_area_year (which chose, per area and year, the geography file, then
-- DfE's national file, then LAIT), one wide row per area and year. area_type is 'england',
-- 'region' or 'la'; an LA's area_code is its old (3-digit) DfE code, which stays when its new
-- code changes (Somerset 933, North Yorkshire 815 in 2023), so each LA is one series. LAs that
-- were split or merged are separate series: Northamptonshire (928) ends in 2020/21, North and
-- West Northamptonshire (940, 941) begin in 2021/22; Cumbria (909) ends in 2022/23, Cumberland
-- and Westmorland and Furness (942, 943) begin in 2023/24; the 2009 unitaries (Bedford 822,
-- Central Bedfordshire 823, Cheshire East 895, Cheshire West and Chester 896) have headcount 0
-- and no rate (`z`) in 2008/09. Bedfordshire and Cheshire (820, 875), abolished in 2009 with no
-- current code, are not in fct_dfe_area_year and so not here.
-- source: 'geography' (exclusions by geography, with headcount), 'national' (DfE's national
-- file: England in years no geography file covers, with headcount) or 'lait' (LAIT SecPermEx /
-- SecFixedEx, rates only, e.g. 2023/24). headcount is null where not published. A row is kept
-- when any of its three figures is published.

with

benchmarks as (

    select * from fct_dfe_area_year
    where metric in ('pupils_on_roll', 'pex_rate', 'suspension_rate')

),

la_codes as (

    select * from int_dfe__la_codes

),

by_year as (

    select
        area_type,
        coalesce(old_la_code, area_code) as area_key,
        academic_year,
        any_value(area_name) as area_name,
        max(value) filter (where metric = 'pupils_on_roll') as headcount,
        max(value) filter (where metric = 'pex_rate') as pex_rate,
        max(value) filter (where metric = 'suspension_rate') as suspension_rate,
        any_value(source order by metric = 'pex_rate' desc) as source,
    from benchmarks
    group by area_type, coalesce(old_la_code, area_code), academic_year

),

final as (

    select
        case by_year.area_type when 'local_authority' then 'la' else by_year.area_type end as area_type,
        by_year.area_key as area_code,
        by_year.area_name,
        case
            when by_year.area_type = 'local_authority' then la_codes.region_code
            when by_year.area_type = 'region' then by_year.area_key
        end as region_code,
        by_year.academic_year,
        by_year.headcount,
        by_year.pex_rate,
        by_year.suspension_rate,
        case
            when by_year.source like 'exclusions_national:%' then 'national'
            when by_year.source like 'LAIT%' then 'lait'
            else 'geography'
        end as source,
    from by_year
    left join la_codes
        on by_year.area_type = 'local_authority'
            and by_year.area_key = la_codes.old_la_code
    where by_year.headcount is not null
        or by_year.pex_rate is not null
        or by_year.suspension_rate is not null

    order by area_type, area_code, academic_year

)

select * from final
