{#- WAPE, the one definition for every SQL model: sum |actual - predicted| / sum |actual|,
    a missing prediction counted as 0 (a candidate without a forecast pays for it), null
    when every actual is 0. Python's is demandcast.metrics.wape (for rows not in the
    warehouse); the registry's backtest_wape applies the same missing-prediction rule. -#}
{% macro wape(actual='actual_quantity', predicted='predicted_quantity') %}
    sum(abs({{ actual }} - coalesce({{ predicted }}, 0))) / nullif(sum(abs({{ actual }})), 0)
{%- endmacro %}


{#- The metrics that more than one model reports, each defined once, over rows with
    predicted_quantity and actual_quantity (a missing prediction counts as 0). -#}
{#- Mean absolute error. -#}
{% macro mae() -%}
    avg(abs(coalesce(predicted_quantity, 0) - actual_quantity))
{%- endmacro %}

{#- Signed total error over total |actual|: positive = over-forecast. -#}
{% macro bias() -%}
    sum(coalesce(predicted_quantity, 0) - actual_quantity) / nullif(sum(abs(actual_quantity)), 0)
{%- endmacro %}

{#- Mean absolute scaled error: each row's error over its series' mase_scale (the
    in-sample seasonal-naive error); rows with a zero scale are left out. -#}
{% macro mase(scale='mase_scale') -%}
    avg(abs(coalesce(predicted_quantity, 0) - actual_quantity) / nullif({{ scale }}, 0))
{%- endmacro %}

{#- Share of rows whose actual lies in the level's interval (lower_<level>, upper_<level>),
    over the rows that have one (null for models without intervals). -#}
{% macro interval_coverage(level) -%}
    avg(case
        when lower_{{ level }} is not null
            then cast((actual_quantity between lower_{{ level }} and upper_{{ level }}) as integer)
    end)
{%- endmacro %}


{#- Accuracy aggregates over rows with predicted_quantity and actual_quantity (a missing
    prediction counts as 0); interval columns are null for models without intervals. -#}
{% macro accuracy_metrics() %}
        count(*) as row_count,
        {{ mae() }} as mae,
        sqrt(avg(power(coalesce(predicted_quantity, 0) - actual_quantity, 2))) as rmse,
        {{ wape() }} as wape,
        {{ bias() }} as bias,
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
        {{ interval_coverage(80) }} as coverage_80,
        {{ interval_coverage(95) }} as coverage_95,
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


{#- Grouping sets written as a union of group-bys (portable, and readable by sqlfluff),
    the other half of dimension_or_all: for each list of dimensions in grouping_sets, the
    caller block's select for those dimensions (it names each dimension through
    dimension_or_all), grouped by keys and the dimensions; the selects joined by union all.
    Use: {% call(dimensions) union_of_group_bys(sets, ['model_name']) %} select ... from t
    {% endcall %}. -#}
{% macro union_of_group_bys(grouping_sets, keys) -%}
    {%- for dimensions in grouping_sets %}
    {{ caller(dimensions) }}
    group by {{ (keys + dimensions) | join(', ') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
