{#- The final forecast's rule: in each segment (var model_selection_level) the candidates
    are compared on identical rows. A candidate is eligible in a segment only when it has a
    row for every backtest row of the segment (a row with a null prediction counts as 0:
    a seasonal naive without last season's value pays for it); a candidate that forecasts
    only part of a segment cannot win it on its own easier rows. Among the eligible ones,
    the lowest backtest WAPE over the segment's backtest rows wins, baselines and the
    combination included (a baseline that wins a segment is used there). Ties go to the
    simpler model. A segment whose backtests cover fewer than model_selection_min_origins
    origins uses model_selection_fallback instead, when it is eligible: one origin is too
    little evidence, and an early origin trains on a short history the final model does
    not have. One row per segment_id and model_name, with its rank; selection_rank = 1 is
    the model used. -#}

{%- set candidates = ['seasonal_naive', 'moving_average', 'prophet', 'xgboost', 'combination'] %}
{%- if var('model_selection_fallback') not in candidates %}
    {{ exceptions.raise_compiler_error("var model_selection_fallback: '" ~ var('model_selection_fallback')
        ~ "' is not a candidate; use one of " ~ candidates | join(', ')) }}
{%- endif %}

with

backtests as (
    select * from {{ ref('forecast_candidates') }}
    where is_backtest
),

segment_keys as (
    select distinct
        segment_id,
        store_id,
        item_id,
        cutoff_date,
        horizon_step
    from backtests
),

segment_sizes as (
    select
        segment_id,
        count(*) as segment_backtest_rows
    from segment_keys
    group by segment_id
),

by_model as (
    select
        segment_id,
        model_name,
        count(*) as backtest_rows,
        count(distinct cutoff_date) as backtest_origins,
        sum(abs(actual_quantity - coalesce(predicted_quantity, 0)))
        / nullif(sum(abs(actual_quantity)), 0) as backtest_wape
    from backtests
    group by segment_id, model_name
),

by_segment as (
    select
        by_model.*,
        by_model.backtest_rows = segment_sizes.segment_backtest_rows as is_eligible
    from by_model
    inner join segment_sizes
        on by_model.segment_id = segment_sizes.segment_id
),

with_evidence as (
    select
        *,
        max(backtest_origins) over (partition by segment_id)
        >= {{ var('model_selection_min_origins') }} as has_enough_origins,
        max(
            case when model_name = '{{ var("model_selection_fallback") }}' and is_eligible then 1 else 0 end
        ) over (partition by segment_id) = 1 as has_eligible_fallback
    from by_segment
),

ranked as (
    select
        *,
        row_number() over (
            partition by segment_id
            order by
                case when is_eligible then 0 else 1 end,
                case
                    when has_enough_origins then 1
                    when model_name = '{{ var("model_selection_fallback") }}' then 0
                    else 1
                end,
                backtest_wape,
                case model_name
                    when 'seasonal_naive' then 1
                    when 'moving_average' then 2
                    when 'prophet' then 3
                    when 'xgboost' then 4
                    else 5
                end
        ) as selection_rank
    from with_evidence
),

final as (
    select
        segment_id,
        model_name,
        backtest_rows,
        backtest_origins,
        backtest_wape,
        is_eligible,
        selection_rank,
        selection_rank = 1 as is_selected,
        case
            when has_enough_origins or not has_eligible_fallback then 'lowest_backtest_wape'
            else 'fallback_too_few_origins'
        end as selection_rule
    from ranked
)

select * from final
