{{ config(materialized='table') }}

{#- The MASE scale of each series at each forecast cut-off (int_forecast_cutoffs: the
    backtest origins of every model, the grid cut-offs around them and the as-of date): the
    mean absolute seasonal difference (baseline_season_periods) of its periods up to the
    cut-off, i.e. the in-sample error of seasonal naive. One row per store_id, item_id,
    cutoff_date, for the cut-offs on or after the series' first period.

    Each period falls in the bucket of the first cut-off on or after it (worked out on the
    distinct period dates, then an equality join), the differences are summed per series
    and bucket, and running sums over a series' buckets give the mean up to each cut-off.
    Joining every earlier period to every cut-off cost cut-offs x rows. The sums are exact
    (exact_sum), so a scale does not change with the order the engine's threads add in. -#}

{%- set season = feature_setting('baseline_season_periods') %}
{%- set up_to_cutoff = 'partition by store_id, item_id order by cutoff_date'
    ~ ' rows between unbounded preceding and current row' %}

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

period_dates as (
    select distinct period_end_date from gap_filled
),

period_buckets as (
    select
        period_dates.period_end_date,
        min(origins.cutoff_date) as cutoff_date
    from period_dates
    inner join origins
        on period_dates.period_end_date <= origins.cutoff_date
    group by period_dates.period_end_date
),

bucket_sums as (
    select
        differences.store_id,
        differences.item_id,
        period_buckets.cutoff_date,
        {{ exact_sum('differences.seasonal_difference') }} as difference_sum,
        count(differences.seasonal_difference) as difference_count
    from differences
    inner join period_buckets
        on differences.period_end_date = period_buckets.period_end_date
    group by differences.store_id, differences.item_id, period_buckets.cutoff_date
),

series_first_buckets as (
    select
        store_id,
        item_id,
        min(cutoff_date) as first_cutoff_date
    from bucket_sums
    group by store_id, item_id
),

series_cutoffs as (
    select
        series_first_buckets.store_id,
        series_first_buckets.item_id,
        origins.cutoff_date,
        coalesce(bucket_sums.difference_sum, 0) as difference_sum,
        coalesce(bucket_sums.difference_count, 0) as difference_count
    from series_first_buckets
    inner join origins
        on series_first_buckets.first_cutoff_date <= origins.cutoff_date
    left join bucket_sums
        on
            series_first_buckets.store_id = bucket_sums.store_id
            and series_first_buckets.item_id = bucket_sums.item_id
            and origins.cutoff_date = bucket_sums.cutoff_date
),

running as (
    select
        store_id,
        item_id,
        cutoff_date,
        {{ exact_sum('difference_sum', over=up_to_cutoff) }} as difference_sum,
        sum(difference_count) over ({{ up_to_cutoff }}) as difference_count
    from series_cutoffs
),

final as (
    select
        store_id,
        item_id,
        cutoff_date,
        case when difference_count > 0 then difference_sum / difference_count end as mase_scale
    from running
)

select * from final
