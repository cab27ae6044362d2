{{ config(materialized='table') }}

{#- The demand class of every series launched by the as-of date (Syntetos & Boylan, 2005),
    from its known periods (quantity not null) of the last demand_class_window_periods
    periods up to the as-of date:
      adi        - average demand interval: known periods / periods with demand
                   (quantity > 0);
      cv_squared - squared coefficient of variation of the demand sizes (the quantities
                   > 0): population variance / mean^2 (0 with one demand period);
      class      - smooth (adi < demand_class_adi_cutoff, cv_squared <
                   demand_class_cv_squared_cutoff), erratic (adi below, cv_squared on or
                   above), intermittent (adi on or above, cv_squared below), lumpy (both on
                   or above); no_demand when no known period had demand, unknown when the
                   window holds no known period.
    One row per store_id, item_id. -#}

{%- set window = feature_setting('demand_class_window_periods') %}
{%- set adi_cutoff = number_var('demand_class_adi_cutoff') %}
{%- set cv_squared_cutoff = number_var('demand_class_cv_squared_cutoff') %}

with

run_context as (
    select {{ period_end_date('as_of_date') }} as as_of_period_end_date
    from {{ ref('stg_run_context') }}
),

ranges as (
    select * from {{ ref('int_series_active_ranges') }}
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

launched as (
    select
        ranges.store_id,
        ranges.item_id
    from ranges
    inner join run_context
        on ranges.launch_period_end_date <= run_context.as_of_period_end_date
),

known_periods as (
    select
        gap_filled.store_id,
        gap_filled.item_id,
        gap_filled.quantity,
        case when gap_filled.quantity > 0 then gap_filled.quantity end as demand_size
    from gap_filled
    inner join run_context
        on
            gap_filled.period_end_date <= run_context.as_of_period_end_date
            and gap_filled.period_end_date
            > {{ add_periods('run_context.as_of_period_end_date', -window) }}
    where gap_filled.quantity is not null
),

sizes as (
    select
        store_id,
        item_id,
        count(*) as known_period_count,
        count(demand_size) as demand_period_count,
        avg(demand_size) as mean_demand_size,
        var_pop(demand_size) as demand_size_variance
    from known_periods
    group by store_id, item_id
),

measures as (
    select
        launched.store_id,
        launched.item_id,
        coalesce(sizes.known_period_count, 0) as known_period_count,
        coalesce(sizes.demand_period_count, 0) as demand_period_count,
        sizes.mean_demand_size,
        case
            when sizes.demand_period_count > 0
                then cast(sizes.known_period_count as double) / sizes.demand_period_count
        end as adi,
        case
            when sizes.mean_demand_size > 0
                then sizes.demand_size_variance / (sizes.mean_demand_size * sizes.mean_demand_size)
        end as cv_squared
    from launched
    left join sizes
        on
            launched.store_id = sizes.store_id
            and launched.item_id = sizes.item_id
),

final as (
    select
        store_id,
        item_id,
        known_period_count,
        demand_period_count,
        mean_demand_size,
        adi,
        cv_squared,
        case
            when known_period_count = 0 then 'unknown'
            when demand_period_count = 0 then 'no_demand'
            when adi < {{ adi_cutoff }} and cv_squared < {{ cv_squared_cutoff }} then 'smooth'
            when adi < {{ adi_cutoff }} then 'erratic'
            when cv_squared < {{ cv_squared_cutoff }} then 'intermittent'
            else 'lumpy'
        end as demand_class
    from measures
)

select * from final
