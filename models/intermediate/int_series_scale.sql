{{ config(materialized='table') }}

{#- The MASE scale of each series at each forecast cut-off (int_forecast_cutoffs: the
    backtest origins of every model, the grid cut-offs around them and the as-of date): the
    mean absolute seasonal difference (baseline_season_periods) of its periods up to the
    cut-off, i.e. the in-sample error of seasonal naive. One row per store_id, item_id,
    cutoff_date, for the cut-offs on or after the series' first period.

    One sort of the gap-filled rows gives each period the running sum and count of the
    differences up to it and the next period's date; a cut-off then joins the one period
    whose interval [period_end_date, next period) holds it. Joining every earlier period to
    every cut-off and averaging cost cut-offs x rows. -#}

{%- set season = feature_setting('baseline_season_periods') %}
{%- set series_order = 'partition by store_id, item_id order by period_end_date' %}

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
        lead(period_end_date, 1, cast('9999-12-31' as date)) over (
            {{ series_order }}
        ) as next_period_end_date,
        abs(quantity - lag(quantity, {{ season }}) over (
            {{ series_order }}
        )) as seasonal_difference
    from gap_filled
),

running as (
    select
        store_id,
        item_id,
        period_end_date,
        next_period_end_date,
        sum(seasonal_difference) over (
            {{ series_order }} rows between unbounded preceding and current row
        ) as difference_sum,
        count(seasonal_difference) over (
            {{ series_order }} rows between unbounded preceding and current row
        ) as difference_count
    from differences
),

final as (
    select
        running.store_id,
        running.item_id,
        origins.cutoff_date,
        case
            when running.difference_count > 0
                then running.difference_sum / running.difference_count
        end as mase_scale
    from origins
    inner join running
        on
            origins.cutoff_date >= running.period_end_date
            and origins.cutoff_date < running.next_period_end_date
)

select * from final
