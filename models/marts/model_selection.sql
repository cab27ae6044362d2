{#- The final forecast's rule: in each segment (var model_selection_level) the candidate
    with the lowest backtest WAPE over the segment's backtest rows wins, baselines and
    the combination included (a baseline that wins a segment is used there). A missing
    prediction counts as 0, so a model that cannot forecast part of a segment pays for
    it. Ties go to the simpler model. A segment whose backtests cover fewer than
    model_selection_min_origins origins uses model_selection_fallback instead: one origin
    is too little evidence, and an early origin trains on a short history the final
    model does not have (Walmart at its protocol origin: one 39-week origin 63 weeks into
    the data). One row per segment_id and model_name, with its rank; selection_rank = 1
    is the model used. -#}

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

by_segment as (
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

with_evidence as (
    select
        *,
        max(backtest_origins) over (partition by segment_id)
        >= {{ var('model_selection_min_origins') }} as has_enough_origins
    from by_segment
),

ranked as (
    select
        *,
        row_number() over (
            partition by segment_id
            order by
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
        selection_rank,
        selection_rank = 1 as is_selected,
        case
            when has_enough_origins then 'lowest_backtest_wape'
            else 'fallback_too_few_origins'
        end as selection_rule
    from ranked
)

select * from final
