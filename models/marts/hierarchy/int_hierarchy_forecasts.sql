{#- The base forecasts of every node of the hierarchy, before reconciliation
    (fct_forecasts_hierarchy): one row per node_id, cutoff_date, horizon_step, at the
    as-of date (the published forecast) and at the backtest origins (with the actual, the
    residuals MinT's covariance is estimated from). Levels, coarsest first:
    - total: every series;
    - store;
    - store_department, or store_category when no item has a department (stg_items); none
      when no item has either (Walmart: Dept plays the item), the series then sit under
      their store;
    - store_item, the series: the final forecast (fct_forecasts; at the backtest origins
      the rows of each segment's selected candidate, as backtest_metrics' final).
    An aggregate's base forecast is Prophet's when Prophet forecasts that level (the levels
    of prophet_level_chain: var prophet_level, then coarser) and covers every series of the
    node on the row: the sum of forecast_prophet's split rows over the node's series, which
    is the fitted aggregate's own forecast where the node is a fitted aggregate (the shares
    of its series sum to 1), and the sum of fitted ones above it. Otherwise (a level finer
    than prophet_level, or no Prophet forecast) the sum of its series' final forecasts
    (base_source final_forecast_sum): there the base is coherent and only MinT's moves
    from the levels above change it. Bounds: the series' are fct_forecasts'; an aggregate's
    come from the project's interval rule (macros forecast_spread, conformal_rank,
    interval_bound) applied to its level's backtest scores, per horizon bucket, over
    every backtest origin; on the published rows only (macro hierarchy_node_rows). -#}

with

forecasts as (
    select * from {{ ref('fct_forecasts') }}
),

candidates as (
    select * from {{ ref('forecast_candidates') }}
),

selection as (
    select * from {{ ref('model_selection') }}
    where is_selected
),

items as (
    select * from {{ ref('stg_items') }}
),

published as (
    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        forecast_origin_date as cutoff_date,
        horizon_step,
        target_date,
        false as is_backtest,
        cast(predicted_quantity as {{ type_double() }}) as predicted_quantity,
        cast(null as {{ type_double() }}) as actual_quantity,
        cast(lower_80 as {{ type_double() }}) as lower_80,
        cast(upper_80 as {{ type_double() }}) as upper_80,
        cast(lower_95 as {{ type_double() }}) as lower_95,
        cast(upper_95 as {{ type_double() }}) as upper_95
    from forecasts
),

backtests as (
    select
        cast(candidates.store_id as {{ dbt.type_string() }}) as store_id,
        cast(candidates.item_id as {{ dbt.type_string() }}) as item_id,
        candidates.cutoff_date,
        candidates.horizon_step,
        candidates.target_date,
        true as is_backtest,
        cast(candidates.predicted_quantity as {{ type_double() }}) as predicted_quantity,
        cast(candidates.actual_quantity as {{ type_double() }}) as actual_quantity,
        cast(null as {{ type_double() }}) as lower_80,
        cast(null as {{ type_double() }}) as upper_80,
        cast(null as {{ type_double() }}) as lower_95,
        cast(null as {{ type_double() }}) as upper_95
    from candidates
    inner join selection
        on
            candidates.segment_id = selection.segment_id
            and candidates.model_name = selection.model_name
    where candidates.is_backtest and candidates.predicted_quantity is not null
),

bottom as (
    select * from published
    union all
    select * from backtests
),

{{ hierarchy_node_rows('bottom', 'candidates', 'items') }}

select * from final
