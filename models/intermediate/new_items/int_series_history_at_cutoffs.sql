{{ config(materialized='table') }}

{#- One row per store_id, item_id, cutoff_date: every series in its active range at a
    cut-off of int_forecast_cutoffs, with what its history says at the end of that period:
      history_periods - known periods from its launch (first sale) to the cut-off, both
                        included: the periods since the launch less those in which no
                        data arrived for its store (a zero sold counts, unknown does not);
      is_active       - a row of its own in the last discontinued_after_periods periods
                        (int_forecast_features' rule: known at the cut-off, no hindsight);
      is_new_item     - history_periods < new_item_history_periods (0 = no series is new).
    "New" is per series (store x item): an item sold for years elsewhere is still new in
    the store that just listed it, whose own history the models lack. Department and
    category are the item master's (null when it has none). Nothing dated after the
    cut-off is read. -#}

{%- set history_needed = feature_setting('new_item_history_periods') %}
{%- set discontinued_after = feature_setting('discontinued_after_periods') %}

with

sales_features as (
    select * from {{ ref('int_sales_features') }}
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

cutoffs as (
    select * from {{ ref('int_forecast_cutoffs') }}
),

items as (
    select * from {{ ref('stg_items') }}
),

at_cutoffs as (
    {#- int_sales_features keeps every series in its range at each cut-off; its
        period_number counts the periods from the launch (1 = the launch period). -#}
    select
        sales_features.store_id,
        sales_features.item_id,
        cutoffs.cutoff_date,
        cutoffs.is_scoring_row,
        cutoffs.is_backtest_origin,
        sales_features.period_number,
        sales_features.periods_since_last_row
    from sales_features
    inner join cutoffs
        on sales_features.period_end_date = cutoffs.cutoff_date
),

no_data_periods as (
    {#- Periods of the range in which no data arrived (few rows): not history. -#}
    select
        store_id,
        item_id,
        period_end_date
    from gap_filled
    where is_no_data
),

no_data_counts as (
    select
        at_cutoffs.store_id,
        at_cutoffs.item_id,
        at_cutoffs.cutoff_date,
        count(*) as no_data_period_count
    from at_cutoffs
    inner join no_data_periods
        on
            at_cutoffs.store_id = no_data_periods.store_id
            and at_cutoffs.item_id = no_data_periods.item_id
            and at_cutoffs.cutoff_date >= no_data_periods.period_end_date
    group by at_cutoffs.store_id, at_cutoffs.item_id, at_cutoffs.cutoff_date
),

history as (
    select
        at_cutoffs.store_id,
        at_cutoffs.item_id,
        at_cutoffs.cutoff_date,
        at_cutoffs.is_scoring_row,
        at_cutoffs.is_backtest_origin,
        {{ add_periods('at_cutoffs.cutoff_date', '1 - at_cutoffs.period_number') }} as launch_period_end_date,
        at_cutoffs.period_number - coalesce(no_data_counts.no_data_period_count, 0) as history_periods,
        at_cutoffs.periods_since_last_row < {{ discontinued_after }} as is_active,
        items.department_id,
        items.category_id
    from at_cutoffs
    left join no_data_counts
        on
            at_cutoffs.store_id = no_data_counts.store_id
            and at_cutoffs.item_id = no_data_counts.item_id
            and at_cutoffs.cutoff_date = no_data_counts.cutoff_date
    left join items
        on at_cutoffs.item_id = items.item_id
),

final as (
    select
        store_id,
        item_id,
        cutoff_date,
        is_scoring_row,
        is_backtest_origin,
        launch_period_end_date,
        history_periods,
        is_active,
        history_periods < {{ history_needed }} as is_new_item,
        department_id,
        category_id
    from history
)

select * from final
