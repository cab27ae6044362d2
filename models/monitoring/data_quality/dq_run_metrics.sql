{#- Every run adds rows of its own invocation_id only, so appending them is the same as
    delete+insert; Spark has no delete+insert on Parquet tables (merge needs Delta). -#}
{{ config(
    materialized='incremental',
    unique_key=['invocation_id', 'metric_name', 'input_name', 'scope'],
    incremental_strategy=('append' if target.type == 'spark' else 'delete+insert'),
    on_schema_change='append_new_columns',
) }}

{#- Data-quality metrics of every run, kept across runs so each can be compared with the
    previous ones: row counts per input (raw, clean, quarantined, exact duplicates),
    quarantined rows per reason, null rates of the critical columns (missing or
    unreadable), missing periods per kind, and freshness. Long format: one row per
    invocation_id, metric_name, input_name, scope. -#}

with

run_context as (
    select * from {{ ref('stg_run_context') }}
),

accounting as (
    select * from {{ ref('stg_row_accounting') }}
),

quarantine as (
    select * from {{ ref('stg_quarantined_rows') }}
),

sales as (
    select * from {{ ref('base_sales__parsed') }}
),

prices as (
    select * from {{ ref('base_prices__parsed') }}
),

missing as (
    select * from {{ ref('dq_missing_periods') }}
),

freshness as (
    select * from {{ ref('dq_store_freshness') }}
),

metrics as (
    {%- for column in ['raw_rows', 'clean_rows', 'quarantined_rows', 'exact_duplicate_rows'] %}
    select
        '{{ column }}' as metric_name,
        input_name,
        'all' as scope,
        cast({{ column }} as double) as metric_value
    from accounting
    union all
    {%- endfor %}
    select
        'quarantined_rows_by_reason' as metric_name,
        input_name,
        reason_code as scope,
        cast(count(*) as double) as metric_value
    from quarantine
    group by input_name, reason_code
    union all
    {%- for column in ['sales_date', 'store_id', 'item_id', 'quantity'] %}
    select
        'null_rate' as metric_name,
        'sales' as input_name,
        '{{ column }}' as scope,
        avg(case when {{ column }} is null then 1.0 else 0.0 end) as metric_value
    from sales
    union all
    {%- endfor %}
    select
        'null_rate' as metric_name,
        'prices' as input_name,
        'price' as scope,
        avg(case when price is null then 1.0 else 0.0 end) as metric_value
    from prices
    union all
    select
        'missing_periods' as metric_name,
        'sales' as input_name,
        missing_kind as scope,
        cast(count(*) as double) as metric_value
    from missing
    group by missing_kind
    union all
    select
        'max_freshness_lag_days' as metric_name,
        'sales' as input_name,
        'all' as scope,
        cast(max(lag_days) as double) as metric_value
    from freshness
    union all
    select
        'stale_stores' as metric_name,
        'sales' as input_name,
        'all' as scope,
        cast(sum(case when is_stale then 1 else 0 end) as double) as metric_value
    from freshness
),

final as (
    select
        run_context.invocation_id,
        run_context.as_of_date,
        run_context.run_started_at,
        metrics.metric_name,
        metrics.input_name,
        metrics.scope,
        metrics.metric_value
    from metrics
    cross join run_context
    {#- An empty input (e.g. no prices file) has no null rate. #}
    where metrics.metric_value is not null
)

select * from final
