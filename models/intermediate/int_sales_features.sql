{{ config(materialized='table') }}

{#- One row per store_id, item_id, period_end_date (a cut-off of int_forecast_cutoffs, or a
    season before one): everything the series' own history says at the end of that
    period. Every frame ends at the current row, so no value dated after the cut-off can
    reach a feature (unit-tested). -#}

{%- set series = 'store_id, item_id' %}
{%- set lags = feature_setting('feature_lags') %}
{%- set windows = feature_setting('feature_rolling_windows') %}
{%- set alphas = number_var('feature_ewm_alphas') %}
{%- set season = feature_setting('season_length_periods') %}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

cutoffs as (
    select * from {{ ref('int_forecast_cutoffs') }}
),

feature_dates as (
    {#- What int_forecast_features reads: the cut-offs, and a season before them (the
        level last year). The windows still see every period. -#}
    select cutoff_date as period_end_date from cutoffs
    union
    select {{ add_periods('cutoff_date', '-' ~ season) }} as period_end_date from cutoffs
),

final as (
    select
        store_id,
        item_id,
        period_end_date,
        department_id,
        category_id,
        store_type,
        region,
        quantity,
        is_zero_filled,
        is_no_data,
        period_number,
        {# Rows the series itself delivered, not zeros filled in for it. -#}
        period_number - max(case when not is_zero_filled and not is_no_data then period_number end) over (
            partition by store_id, item_id order by period_number
            rows between unbounded preceding and current row
        ) as periods_since_last_row,
        {{ lag_features('quantity', 'quantity', series, 'period_number', lags) }},
        {{ rolling_features('quantity', 'quantity', series, 'period_number', windows) }},
        {{ ewm_features('quantity', 'quantity', series, 'period_number', alphas) }},
        {{ intermittency_features('quantity', 'quantity', series, 'period_number', windows) }},
        {# The series' size: mean absolute quantity over the longest window. A model can
            learn in units of it, so large and small series share one shape. -#}
        avg(abs(quantity)) over (
            partition by {{ series }} order by period_number
            rows between {{ (windows | max) - 1 }} preceding and current row
        ) as quantity_scale
    from gap_filled
)

select * from final
where period_end_date in (select feature_dates.period_end_date from feature_dates)
