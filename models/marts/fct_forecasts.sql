{#- The latest published forecast: one row per store_id, item_id, target_date from the
    as-of date's origin, by the model model_selection picked for the series' segment
    (XGBoost where that model has no forecast for the series; the simplest baseline with
    a forecast when no model trained, int_training_history), with its version,
    intervals, and the baselines beside it. A new series (int_new_item_analogues: fewer
    than new_item_history_periods known periods at the as-of date) takes the analogue
    rule's forecast instead (int_new_item_forecasts; model_name analogue, model version
    sql-analogue) wherever that rule has one; without analogues it keeps the model's. -#}

with

candidates as (
    select * from {{ ref('forecast_candidates') }}
    where not is_backtest
),

selection as (
    select * from {{ ref('model_selection') }}
    where is_selected
),

run_context as (
    select * from {{ ref('stg_run_context') }}
),

new_series as (
    select * from {{ ref('int_new_item_analogues') }}
    where is_scoring_row
),

analogue_forecasts as (
    select * from {{ ref('int_new_item_forecasts') }}
    where is_scoring_row and predicted_quantity is not null
),

picked as (
    select
        candidates.*,
        selection.model_name is not null as is_selected_model,
        row_number() over (
            partition by candidates.store_id, candidates.item_id, candidates.horizon_step
            order by
                selection.model_name is not null desc,
                candidates.model_name = 'xgboost' desc,
                {{ candidate_simplicity('candidates.model_name') }}
        ) as preference
    from candidates
    left join selection
        on
            candidates.segment_id = selection.segment_id
            and candidates.model_name = selection.model_name
    where candidates.predicted_quantity is not null
),

baselines as (
    select
        store_id,
        item_id,
        horizon_step,
        max(case when model_name = 'seasonal_naive' then predicted_quantity end)
            as seasonal_naive_quantity,
        max(case when model_name = 'moving_average' then predicted_quantity end)
            as moving_average_quantity
    from candidates
    group by store_id, item_id, horizon_step
),

final as (
    select
        picked.store_id,
        picked.item_id,
        picked.target_date,
        picked.cutoff_date as forecast_origin_date,
        picked.horizon_step,
        picked.segment_id,
        case when analogue_forecasts.store_id is null then picked.model_name else 'analogue' end as model_name,
        case when analogue_forecasts.store_id is null then picked.model_version else 'sql-analogue' end
            as model_version,
        picked.is_selected_model and analogue_forecasts.store_id is null as is_selected_model,
        coalesce(analogue_forecasts.predicted_quantity, picked.predicted_quantity) as predicted_quantity,
        {%- for bound in ['lower_80', 'upper_80', 'lower_95', 'upper_95'] %}
        case when analogue_forecasts.store_id is null then picked.{{ bound }} else analogue_forecasts.{{ bound }} end
            as {{ bound }},
        {%- endfor %}
        baselines.seasonal_naive_quantity,
        baselines.moving_average_quantity,
        new_series.store_id is not null as is_new_item,
        run_context.invocation_id,
        run_context.run_started_at as published_at
    from picked
    left join baselines
        on
            picked.store_id = baselines.store_id
            and picked.item_id = baselines.item_id
            and picked.horizon_step = baselines.horizon_step
    left join new_series
        on
            picked.store_id = new_series.store_id
            and picked.item_id = new_series.item_id
    left join analogue_forecasts
        on
            picked.store_id = analogue_forecasts.store_id
            and picked.item_id = analogue_forecasts.item_id
            and picked.horizon_step = analogue_forecasts.horizon_step
    cross join run_context
    where picked.preference = 1
)

select * from final
