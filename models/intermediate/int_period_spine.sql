{{ config(materialized='table') }}

{#- One row per period_end_date (day or week, var frequency), from the period of the
    earliest valid sales date to the period of the as-of date. -#}

with

run_context as (
    select * from {{ ref('stg_run_context') }}
),

bounds as (
    select
        {{ period_end_date('earliest_valid_sales_date') }} as first_period_end_date,
        {{ period_end_date('as_of_date') }} as last_period_end_date
    from run_context
),

spine as (
    {{ period_spine_sql(
        '(select first_period_end_date from bounds)',
        '(select last_period_end_date from bounds)',
        period_days()) }}
),

final as (
    select period_end_date
    from spine
)

select * from final
