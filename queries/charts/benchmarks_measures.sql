-- purpose: what DfE's LAIT dictionary says about the benchmark measures: polarity, caveats, next update
-- params: none
-- pupil counts: none
-- grain: one row per metric LAIT's dictionary describes (pex_rate, suspension_rate, fsm_pct)
-- reads: dim_dfe_measures

with

measures as (

    select * from dim_dfe_measures

),

final as (

    select metric, lait_measure, title, polarity, caveats, last_update, next_update, next_update_note,
    from measures

)

select * from final
