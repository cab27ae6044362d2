{#- The latest published forecast: one row per store_id, item_id, target_date from the
    as-of date's origin, by the model model_selection picked for the series' segment
    (XGBoost where that model has no forecast for the series; the simplest baseline with
    a forecast when no model trained, int_training_history), with its version,
    intervals, and the baselines beside it. -#}

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
        picked.model_name,
        picked.model_version,
        picked.is_selected_model,
        picked.predicted_quantity,
        picked.lower_80,
        picked.upper_80,
        picked.lower_95,
        picked.upper_95,
        baselines.seasonal_naive_quantity,
        baselines.moving_average_quantity,
        run_context.invocation_id,
        run_context.run_started_at as published_at
    from picked
    left join baselines
        on
            picked.store_id = baselines.store_id
            and picked.item_id = baselines.item_id
            and picked.horizon_step = baselines.horizon_step
    cross join run_context
    where picked.preference = 1
)

select * from final
