{#- One row per store_id, item_id, period_end_date inside the series' active range with no
    sales row, and whether data never arrived for it or the store reported without it. -#}

with

missing as (
    {{ missing_periods_sql(ref('stg_sales'), 'store_id', ['store_id', 'item_id'], 'period_end_date') }}
),

run_context as (
    select
        as_of_date,
        invocation_id
    from {{ ref('stg_run_context') }}
),

final as (
    select
        missing.store_id,
        missing.item_id,
        missing.period_end_date,
        missing.missing_kind,
        run_context.as_of_date,
        run_context.invocation_id
    from missing
    cross join run_context
)

select * from final
