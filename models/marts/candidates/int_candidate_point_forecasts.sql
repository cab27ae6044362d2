{{ config(materialized='table') }}

{#- The point forecasts of every candidate but the reconciled one (forecast_candidates
    adds it, and the intervals of all): the models (xgboost, prophet), the SQL baselines
    (seasonal_naive, moving_average), the intermittent-demand methods (croston_sba, tsb,
    adida: forecast_intermittent's flat level per period, on every horizon step of the
    feature rows) and the equal-weight combination (var combination_models, only where
    every one of them has a forecast), at the XGBoost scoring version's backtest origins
    (the grid's, when no model trained) and at the as-of date, with the actual (the
    feature row's target as known today, the same for every candidate), the holiday flag
    and the selection segment. One row per store_id, item_id, cutoff_date, horizon_step,
    model_name. -#}

{%- set combined = var('combination_models') %}
{%- set combined_literals = [] %}
{%- for model_name in combined %}{% do combined_literals.append(sql_string(model_name)) %}{% endfor %}

with

xgboost as (
    select * from {{ ref('forecast_xgboost') }}
),

prophet as (
    select * from {{ ref('forecast_prophet') }}
),

baselines as (
    select * from {{ ref('baseline_forecasts') }}
),

intermittent as (
    select * from {{ ref('forecast_intermittent') }}
),

demand_classes as (
    select * from {{ ref('int_demand_classes') }}
),

feature_rows as (
    select * from {{ ref('int_forecast_features') }}
),

cutoffs as (
    select * from {{ ref('int_forecast_cutoffs') }}
),

origins as (
    {#- The XGBoost scoring version's origins; when no model trained this run
        (int_training_history), the grid's backtest origins and the as-of date, so the
        baselines are still backtested and published. -#}
    select distinct
        cutoff_date,
        is_backtest
    from xgboost
    union all
    select
        cutoff_date,
        not is_scoring_row as is_backtest
    from cutoffs
    where
        (is_backtest_origin or is_scoring_row)
        and not exists (select 1 from xgboost)
),

models as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        model_name,
        model_version,
        is_backtest,
        predicted_quantity
    from xgboost
    union all
    select
        prophet.store_id,
        prophet.item_id,
        prophet.cutoff_date,
        prophet.horizon_step,
        prophet.target_date,
        prophet.model_name,
        prophet.model_version,
        prophet.is_backtest,
        prophet.predicted_quantity
    from prophet
    inner join origins
        on prophet.cutoff_date = origins.cutoff_date
    union all
    select
        baselines.store_id,
        baselines.item_id,
        baselines.cutoff_date,
        baselines.horizon_step,
        baselines.target_date,
        baselines.model_name,
        'sql-' || baselines.model_name as model_version,
        origins.is_backtest,
        baselines.predicted_quantity
    from baselines
    inner join origins
        on baselines.cutoff_date = origins.cutoff_date
    union all
    {#- One level per series, cut-off and method: the forecast of every horizon step. #}
    select
        feature_rows.store_id,
        feature_rows.item_id,
        feature_rows.cutoff_date,
        feature_rows.horizon_step,
        feature_rows.target_date,
        intermittent.model_name,
        intermittent.model_version,
        origins.is_backtest,
        intermittent.predicted_quantity
    from intermittent
    inner join origins
        on intermittent.cutoff_date = origins.cutoff_date
    inner join feature_rows
        on
            intermittent.store_id = feature_rows.store_id
            and intermittent.item_id = feature_rows.item_id
            and intermittent.cutoff_date = feature_rows.cutoff_date
),

combination as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        min(target_date) as target_date,
        'combination' as model_name,
        'combination-' || {{ ordered_string_agg('model_name', "'+'") }} as model_version,
        bool_or(is_backtest) as is_backtest,
        avg(predicted_quantity) as predicted_quantity
    from models
    where model_name in ({{ combined_literals | join(', ') }})
    group by store_id, item_id, cutoff_date, horizon_step
    {#- A mean of fewer models than it names would be another candidate. #}
    having count(*) = {{ combined | length }}
),

candidates as (
    select * from models
    union all
    select * from combination
),

with_actuals as (
    {#- Only rows of today's feature rows; a backtest row without an actual (no data
        arrived) cannot be scored. #}
    select
        candidates.*,
        feature_rows.target_quantity as actual_quantity,
        coalesce(feature_rows.target_is_holiday_period, false) as is_holiday_period,
        {{ selection_segment_id('feature_rows', 'demand_classes') }} as segment_id
    from candidates
    inner join feature_rows
        on
            candidates.store_id = feature_rows.store_id
            and candidates.item_id = feature_rows.item_id
            and candidates.cutoff_date = feature_rows.cutoff_date
            and candidates.horizon_step = feature_rows.horizon_step
    left join demand_classes
        on
            candidates.store_id = demand_classes.store_id
            and candidates.item_id = demand_classes.item_id
    where not candidates.is_backtest or feature_rows.target_quantity is not null
),

final as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        model_name,
        model_version,
        is_backtest,
        predicted_quantity,
        actual_quantity,
        is_holiday_period,
        segment_id
    from with_actuals
)

select * from final
