{{ config(materialized='table') }}

{#- One row per store_id, period_end_date (the cut-off): the latest value of each
    store-level exogenous series known at the end of the period. An observation is known
    exogenous_publication_lag_days after its date; missing observations do not erase the
    last known value. One column exog_<series> per series, and exogenous_values_published:
    how many series published a value for the period. A global file (no store key, e.g.
    oil prices) gives every store the same values. -#}

{%- set variables = [] %}
{#- The series are the data's: read their names when the table exists (not when linting). -#}
{%- if execute and load_relation(ref('stg_store_exogenous')) %}
{%- set found = run_query('select distinct variable_name from ' ~ ref('stg_store_exogenous') ~ ' order by 1') %}
{%- for name in found.columns[0].values() %}
{%- do variables.append(name) %}
{%- endfor %}
{%- endif %}

with

observations as (
    select * from {{ ref('stg_store_exogenous') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

stores as (
    select distinct store_id from {{ ref('int_sales_gap_filled') }}
),

known_by_period as (
    select
        store_id,
        {{ period_end_date(dbt.dateadd('day', number_var('exogenous_publication_lag_days'), 'observation_date')) }}
            as period_end_date,
        variable_name,
        {# The latest observation known by the period's end. -#}
        max_by(observed_value, observation_date) as observed_value
    from observations
    where observed_value is not null
    group by
        store_id,
        {{ period_end_date(dbt.dateadd('day', number_var('exogenous_publication_lag_days'), 'observation_date')) }},
        variable_name
),

store_periods as (
    select
        stores.store_id,
        spine.period_end_date
    from stores
    cross join spine
),

pivoted as (
    select
        store_periods.store_id,
        store_periods.period_end_date,
        {%- for name in variables %}
        max(case when known_by_period.variable_name = {{ sql_string(name) }} then known_by_period.observed_value end)
            as {{ exogenous_column_name(name) }},
        {%- endfor %}
        count(known_by_period.variable_name) as exogenous_values_published
    from store_periods
    left join known_by_period
        on
            {%- if exogenous_have_store_column() %}
            store_periods.store_id = known_by_period.store_id
            and
            {%- endif %}
            store_periods.period_end_date = known_by_period.period_end_date
    group by store_periods.store_id, store_periods.period_end_date
),

final as (
    select
        store_id,
        period_end_date,
        {%- for name in variables %}
        {{ last_value_ignore_nulls(exogenous_column_name(name)) }} over (
            partition by store_id order by period_end_date
            rows between unbounded preceding and current row
        ) as {{ exogenous_column_name(name) }},
        {%- endfor %}
        exogenous_values_published
    from pivoted
)

select * from final
