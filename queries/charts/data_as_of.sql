-- purpose: the date the partnership data runs to ("data as at" under every chart)
-- params: none
-- pupil counts: none
-- grain: one row
-- reads: dim_data_as_of

with

data_as_of as (

    select * from dim_data_as_of

),

final as (

    select data_as_of
    from data_as_of

)

select * from final
