{#- Per group (e.g. store): its latest date, the lag to the run's as-of date, the allowed
    lag (max_lag_periods periods plus grace_days) and whether it is stale. -#}
{% macro freshness_sql(relation, date_column, group_by, max_lag_periods=none, grace_days=none) %}
    {%- set lag_periods = number_var('freshness_max_lag_periods') if max_lag_periods is none else max_lag_periods -%}
    {%- set grace = number_var('freshness_grace_days') if grace_days is none else grace_days -%}
    {%- set allowed_days = lag_periods * period_days() + grace %}
    {%- set lag_days = days_between('latest.latest_date', 'run_context.as_of_date') %}
    {%- set group_targets = group_by | join(',\n        ') %}
with

latest as (
    select
        {{ group_targets }},
        max({{ date_column }}) as latest_date
    from {{ relation }}
    group by {{ group_by | join(', ') }}
),

run_context as (
    select as_of_date from {{ ref('stg_run_context') }}
)

select
    latest.*,
    run_context.as_of_date,
    {{ lag_days }} as lag_days,
    {{ allowed_days }} as allowed_lag_days,
    {{ lag_days }} > {{ allowed_days }} as is_stale
from latest
cross join run_context
{%- endmacro %}


{#- Periods inside each series' active range (first to last period with a row) that have
    no row, classified by whether the series' store delivered anything for that period:
    no_data_arrived (the store's batch is missing) or series_absent (the store reported,
    this series did not: "sold nothing" in feeds that omit zero rows). -#}
{% macro missing_periods_sql(relation, store_column, series_columns, period_column) %}
    {%- set series_targets = series_columns | join(',\n        ') %}
    {%- set period_target = period_column ~ (' as period_end_date' if period_column != 'period_end_date' else '') %}
with

series_rows as (
    select distinct
        {{ series_targets }},
        {{ period_target }}
    from {{ relation }}
),

series_ranges as (
    select
        {{ series_targets }},
        min(period_end_date) as first_period_end_date,
        max(period_end_date) as last_period_end_date
    from series_rows
    group by {{ series_columns | join(', ') }}
),

store_periods as (
    select distinct
        {{ store_column }} as reporting_store_id,
        {{ period_target }}
    from {{ relation }}
),

spine as (
    select period_end_date from {{ ref('int_period_spine') }}
),

expected as (
    select
        {% for column in series_columns -%}
        series_ranges.{{ column }},
        {% endfor -%}
        spine.period_end_date
    from series_ranges
    inner join spine
        on spine.period_end_date between series_ranges.first_period_end_date
            and series_ranges.last_period_end_date
)

select
    {% for column in series_columns -%}
    expected.{{ column }},
    {% endfor -%}
    expected.period_end_date,
    case
        when store_periods.reporting_store_id is null then 'no_data_arrived'
        else 'series_absent'
    end as missing_kind
from expected
left join series_rows
    on {% for column in series_columns -%}
    expected.{{ column }} = series_rows.{{ column }} and {% endfor -%}
    expected.period_end_date = series_rows.period_end_date
left join store_periods
    on expected.{{ store_column }} = store_periods.reporting_store_id
    and expected.period_end_date = store_periods.period_end_date
where series_rows.period_end_date is null
{%- endmacro %}


{#- Consecutive periods from start to end (inclusive), step_days apart. -#}
{% macro period_spine_sql(start_date, end_date, step_days) %}
    {{- return(adapter.dispatch('period_spine_sql', 'demandcast')(start_date, end_date, step_days)) -}}
{% endmacro %}

{% macro default__period_spine_sql(start_date, end_date, step_days) %}
with recursive spine (period_end_date) as (
    select {{ start_date }}
    union all
    select cast({{ dbt.dateadd('day', step_days, 'period_end_date') }} as date)
    from spine
    where period_end_date < {{ end_date }}
)
select period_end_date from spine
{%- endmacro %}

{#- Spark 3.5 has no recursive CTE: a sequence of dates, exploded. -#}
{% macro spark__period_spine_sql(start_date, end_date, step_days) %}
select explode(sequence(
    cast({{ start_date }} as date),
    cast({{ end_date }} as date),
    interval {{ step_days }} day
)) as period_end_date
{%- endmacro %}

{% macro duckdb__period_spine_sql(start_date, end_date, step_days) %}
select cast(periods.period_end_date as date) as period_end_date
from range(
    cast({{ start_date }} as timestamp),
    cast({{ end_date }} as timestamp) + interval 1 day,
    interval {{ step_days }} day
) as periods (period_end_date)
{%- endmacro %}
