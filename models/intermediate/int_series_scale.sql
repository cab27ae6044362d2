{{ config(materialized='table') }}

{#- The MASE scale of each series at each forecast cut-off (int_forecast_cutoffs: the
    backtest origins of every model, the grid cut-offs around them and the as-of date): the
    mean absolute seasonal difference (baseline_season_periods) of its periods up to the
    cut-off, i.e. the in-sample error of seasonal naive. One row per store_id, item_id,
    cutoff_date. -#}

{%- set season = feature_setting('baseline_season_periods') %}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

origins as (
    select cutoff_date from {{ ref('int_forecast_cutoffs') }}
),

differences as (
    select
        store_id,
        item_id,
        period_end_date,
        abs(quantity - lag(quantity, {{ season }}) over (
            partition by store_id, item_id order by period_end_date
        )) as seasonal_difference
    from gap_filled
),

final as (
    select
        differences.store_id,
        differences.item_id,
        origins.cutoff_date,
        avg(differences.seasonal_difference) as mase_scale
    from origins
    inner join differences
        on origins.cutoff_date >= differences.period_end_date
    group by differences.store_id, differences.item_id, origins.cutoff_date
)

select * from final
