{#- Fails with every group (e.g. store) whose latest date lags the run's as-of date by more
    than max_lag_periods periods plus grace_days: data that should have arrived and has not. -#}
{% test fresh_as_of(model, column_name, group_by, max_lag_periods=none, grace_days=none) %}

with

freshness as (
    {{ freshness_sql(model, column_name, group_by, max_lag_periods, grace_days) }}
)

select *
from freshness
where is_stale

{% endtest %}
