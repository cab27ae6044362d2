{#- Simple baselines every model must beat, for every row of int_forecast_features
    (backtest cut-offs and the published one). One row per store_id, item_id,
    cutoff_date, horizon_step, model_name:
      seasonal_naive - the latest period at the same season position known at the
                       cut-off (baseline_season_periods);
      moving_average - the trailing mean over baseline_moving_average_window periods. -#}

{%- set season = feature_setting('baseline_season_periods') %}
{%- set window = feature_setting('baseline_moving_average_window') %}

with

feature_rows as (
    select * from {{ ref('int_forecast_features') }}
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

seasonal_naive as (
    select
        feature_rows.store_id,
        feature_rows.item_id,
        feature_rows.cutoff_date,
        feature_rows.horizon_step,
        feature_rows.target_date,
        'seasonal_naive' as model_name,
        same_season.quantity as predicted_quantity,
        feature_rows.target_quantity as actual_quantity,
        feature_rows.is_scoring_row
    from feature_rows
    left join gap_filled as same_season
        on
            feature_rows.store_id = same_season.store_id
            and feature_rows.item_id = same_season.item_id
            and same_season.period_end_date = {{ add_periods(
                'feature_rows.target_date',
                '-' ~ season ~ ' * ceil(feature_rows.horizon_step / ' ~ season ~ '.0)') }}
),

moving_average as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        'moving_average' as model_name,
        quantity_mean_{{ window }}{{ period_suffix() }} as predicted_quantity,
        target_quantity as actual_quantity,
        is_scoring_row
    from feature_rows
),

final as (
    select * from seasonal_naive
    union all
    select * from moving_average
)

select * from final
