-- Every row XGBoost forecasts has a Prophet row: the published forecast, and the backtest
-- rows at every origin both scoring versions backtested (a reused champion of one model
-- may carry older origins than the other's). Series outside the prophet_max_series fitted
-- aggregates are forecast through the level chain. Returns the XGBoost rows without one.

with

xgboost as (
    select * from {{ ref('forecast_xgboost') }}
),

prophet as (
    select * from {{ ref('forecast_prophet') }}
),

prophet_backtest_cutoffs as (
    select distinct cutoff_date
    from prophet
    where is_backtest
),

expected as (
    select
        xgboost.store_id,
        xgboost.item_id,
        xgboost.cutoff_date,
        xgboost.horizon_step
    from xgboost
    left join prophet_backtest_cutoffs
        on xgboost.cutoff_date = prophet_backtest_cutoffs.cutoff_date
    where not xgboost.is_backtest or prophet_backtest_cutoffs.cutoff_date is not null
),

final as (
    select expected.*
    from expected
    left join prophet
        on
            expected.store_id = prophet.store_id
            and expected.item_id = prophet.item_id
            and expected.cutoff_date = prophet.cutoff_date
            and expected.horizon_step = prophet.horizon_step
    where prophet.store_id is null
)

select * from final
