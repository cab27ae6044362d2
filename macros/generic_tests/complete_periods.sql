{#- Fails with every period inside a series' active range for which no data arrived
    (its store delivered nothing for that period), per series. Periods where the store
    delivered but this series has no row are not failures: feeds that omit zero rows mean
    "sold nothing" by them. See dq_missing_periods for both kinds. -#}
{% test complete_periods(model, store_column, series_columns, period_column) %}

with

missing as (
    {{ missing_periods_sql(model, store_column, series_columns, period_column) }}
)

select *
from missing
where missing_kind = 'no_data_arrived'

{% endtest %}
