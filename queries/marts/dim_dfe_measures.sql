-- purpose: what DfE's LAIT dictionary says about each DfE metric SEIP shows: polarity, decimals, caveats, next update
-- params: none
-- pupil counts: none
-- grain: one row per metric (pex_rate, suspension_rate, fsm_pct)
-- reads: stg_dfe__lait_dictionary
-- polarity: LAIT's `Low` is lower_is_better, `High` higher_is_better, anything else (`-`, none) neutral.
-- Ranks and LAIT's quartile bands on the Benchmarks page follow it. A metric LAIT's dictionary
-- does not describe (none loaded) has no row.

with

metrics as (

    select *
    from (
        values
        ('pex_rate', 'SecPermEx'),
        ('suspension_rate', 'SecFixedEx'),
        ('fsm_pct', 'SecFSM')
    ) as t (metric, lait_measure)

),

dictionary as (

    select * from stg_dfe__lait_dictionary

),

final as (

    select
        metrics.metric,
        metrics.lait_measure,
        dictionary.title,
        case dictionary.polarity
            when 'Low' then 'lower_is_better'
            when 'High' then 'higher_is_better'
            else 'neutral'
        end as polarity,
        dictionary.decimals,
        dictionary.description as caveats,
        dictionary.methodology,
        dictionary.last_update,
        dictionary.next_update,
        dictionary.next_update_note,
    from metrics
    inner join dictionary
        on metrics.lait_measure = dictionary.measure

)

select * from final
