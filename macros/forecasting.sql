{#- Horizon bucket of a step: the first quarter, second quarter or second half of the
    forecast horizon. -#}
{% macro horizon_bucket(step_column) %}
    {%- set horizon = feature_setting('forecast_horizon_periods') %}
    case
        when {{ step_column }} <= {{ (horizon / 4) | round(0, 'ceil') | int }} then 'first quarter'
        when {{ step_column }} <= {{ (horizon / 2) | round(0, 'ceil') | int }} then 'second quarter'
        else 'second half'
    end
{%- endmacro %}


{#- The segment a series is judged in when the final forecast picks a model per segment
    (var model_selection_level: series, department, category, store or all). -#}
{% macro selection_segment_id(relation) %}
    {%- set level = var('model_selection_level') %}
    {%- set r = relation ~ '.' %}
    {%- set expressions = {
        'series': r ~ "store_id || '|' || " ~ r ~ "item_id",
        'department': "coalesce(" ~ r ~ "department_id, " ~ r ~ "category_id, 'all')",
        'category': "coalesce(" ~ r ~ "category_id, " ~ r ~ "department_id, 'all')",
        'store': r ~ 'store_id',
        'all': "'all'",
    } %}
    {%- if level not in expressions %}
        {% do exceptions.raise_compiler_error(
            "var model_selection_level = '" ~ level ~ "' is not one of: "
            ~ (expressions.keys() | join(', '))) %}
    {%- endif %}
    {{- return(expressions[level]) -}}
{% endmacro %}


{#- Expected spread of a forecast, which conformal interval widths scale with (as in
    demandcast.forecasting.spread): max(|prediction|, 0.5) ^ 0.6. -#}
{% macro forecast_spread(prediction) %}
    power(greatest(abs({{ prediction }}), 0.5), 0.6)
{%- endmacro %}


{#- One bound of a conformal interval: prediction -/+ quantile x spread; lower bounds
    stop at 0 unless the data has returns (negative_quantity_policy keep). -#}
{% macro interval_bound(alias, quantile, sign) %}
    {%- set value = 'coalesce(' ~ alias ~ '.predicted_quantity, 0) ' ~ sign ~ ' ' ~ quantile
        ~ ' * ' ~ forecast_spread('coalesce(' ~ alias ~ '.predicted_quantity, 0)') %}
    {%- if sign == '-' and var('negative_quantity_policy') != 'keep' -%}
        {#- greatest() skips nulls: no calibration (no backtest) must give no bound, not 0. -#}
        case when {{ quantile }} is not null then greatest({{ value }}, 0) end
    {%- else -%}
        {{ value }}
    {%- endif %}
{%- endmacro %}
