{#- The final forecast's rule: in each segment (var model_selection_level) the candidate
    with the lowest backtest WAPE over the segment's backtest rows wins, baselines and
    the combination included (a baseline that wins a segment is used there). A missing
    prediction counts as 0, so a model that cannot forecast part of a segment pays for
    it. Ties go to the simpler model. One row per segment_id and model_name, with its
    rank; selection_rank = 1 is the model used. -#}

with

backtests as (
    select * from {{ ref('forecast_candidates') }}
    where is_backtest
),

by_segment as (
    select
        segment_id,
        model_name,
        count(*) as backtest_rows,
        sum(abs(actual_quantity - coalesce(predicted_quantity, 0)))
        / nullif(sum(abs(actual_quantity)), 0) as backtest_wape
    from backtests
    group by segment_id, model_name
),

ranked as (
    select
        *,
        row_number() over (
            partition by segment_id
            order by
                backtest_wape,
                case model_name
                    when 'seasonal_naive' then 1
                    when 'moving_average' then 2
                    when 'prophet' then 3
                    when 'xgboost' then 4
                    else 5
                end
        ) as selection_rank
    from by_segment
),

final as (
    select
        segment_id,
        model_name,
        backtest_rows,
        backtest_wape,
        selection_rank,
        selection_rank = 1 as is_selected
    from ranked
)

select * from final
