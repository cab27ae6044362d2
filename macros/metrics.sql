{#- WAPE, the one definition for every SQL model: sum |actual - predicted| / sum |actual|,
    a missing prediction counted as 0 (a candidate without a forecast pays for it), null
    when every actual is 0. Python's is demandcast.metrics.wape (for rows not in the
    warehouse); the registry's backtest_wape applies the same missing-prediction rule. -#}
{% macro wape(actual='actual_quantity', predicted='predicted_quantity') %}
    sum(abs({{ actual }} - coalesce({{ predicted }}, 0))) / nullif(sum(abs({{ actual }})), 0)
{%- endmacro %}


{#- Accuracy aggregates over rows with predicted_quantity and actual_quantity (a missing
    prediction counts as 0); interval columns are null for models without intervals. -#}
{% macro accuracy_metrics() %}
        count(*) as row_count,
        avg(abs(coalesce(predicted_quantity, 0) - actual_quantity)) as mae,
        sqrt(avg(power(coalesce(predicted_quantity, 0) - actual_quantity, 2))) as rmse,
        {{ wape() }} as wape,
        sum(coalesce(predicted_quantity, 0) - actual_quantity) / nullif(sum(abs(actual_quantity)), 0) as bias,
        avg(case
            when actual_quantity <> 0
                then abs(coalesce(predicted_quantity, 0) - actual_quantity) / abs(actual_quantity)
        end) as mape_nonzero,
        avg(case
            when abs(coalesce(predicted_quantity, 0)) + abs(actual_quantity) > 0
                then 2 * abs(coalesce(predicted_quantity, 0) - actual_quantity)
                / (abs(coalesce(predicted_quantity, 0)) + abs(actual_quantity))
            else 0
        end) as smape,
        avg(case when lower_80 is not null then (actual_quantity between lower_80 and upper_80)::int end)
            as coverage_80,
        avg(case when lower_95 is not null then (actual_quantity between lower_95 and upper_95)::int end)
            as coverage_95,
        avg(upper_80 - lower_80) as mean_width_80,
        avg(upper_95 - lower_95) as mean_width_95
{%- endmacro %}


{#- A grouping column, or its 'all' value when the grouping set leaves it out (grouping
    sets written as a union of group-bys: portable, and readable by sqlfluff). -#}
{% macro dimension_or_all(column, dimensions, all_value="'all'") %}
    {%- if column in dimensions -%}
        {{ column }}
    {%- else -%}
        {{ all_value }} as {{ column }}
    {%- endif -%}
{% endmacro %}
