{#- Horizon bucket of a step: the first quarter, second quarter or second half of the
    forecast horizon, bounds rounded up (ceil(H / 4), ceil(H / 2): steps 1-10, 11-20, 21-39
    at H = 39), so the first bucket holds at least a quarter of the steps. The one bucket
    rule of interval calibration (forecast_candidates) and accuracy reports. -#}
{% macro horizon_bucket(step_column) %}
    {%- set horizon = feature_setting('forecast_horizon_periods') %}
    case
        when {{ step_column }} <= {{ (horizon / 4) | round(0, 'ceil') | int }} then 'first quarter'
        when {{ step_column }} <= {{ (horizon / 2) | round(0, 'ceil') | int }} then 'second quarter'
        else 'second half'
    end
{%- endmacro %}


{#- The segment a series is judged in when the final forecast picks a model per segment
    (var model_selection_level: series, department, category, store, all or demand_class).
    relation has the series' keys and item attributes; classes is the alias of the
    series' int_demand_classes row, left-joined by the caller (demand_class: the class
    as of the run's as-of date; a series without one is 'unknown', as the class of a
    series with no known period). -#}
{% macro selection_segment_id(relation, classes='demand_classes') %}
    {%- set level = var('model_selection_level') %}
    {%- set r = relation ~ '.' %}
    {%- set expressions = {
        'series': r ~ "store_id || '|' || " ~ r ~ "item_id",
        'department': "coalesce(" ~ r ~ "department_id, " ~ r ~ "category_id, 'all')",
        'category': "coalesce(" ~ r ~ "category_id, " ~ r ~ "department_id, 'all')",
        'store': r ~ 'store_id',
        'all': "'all'",
        'demand_class': "coalesce(" ~ classes ~ ".demand_class, 'unknown')",
    } %}
    {%- if level not in expressions %}
        {% do exceptions.raise_compiler_error(
            "var model_selection_level = '" ~ level ~ "' is not one of: "
            ~ (expressions.keys() | join(', '))) %}
    {%- endif %}
    {{- return(expressions[level]) -}}
{% endmacro %}


{#- Expected spread of a forecast, which conformal interval widths scale with (the
    Tweedie standard deviation grows with the mean): max(|prediction|, spread floor) ^
    spread power, vars interval_spread_floor and interval_spread_power. The absolute value
    keeps the spread defined for a negative forecast (returns). -#}
{% macro forecast_spread(prediction) %}
    power(greatest(abs({{ prediction }}), {{ number_var('interval_spread_floor') }}),
        {{ number_var('interval_spread_power') }})
{%- endmacro %}


{#- The finite-sample split-conformal rank of a level_percent interval from score_count
    calibration scores: ceil((n + 1) x level), capped at n (with fewer than
    level / (1 - level) scores the largest one is used: the interval is then narrower
    than the guarantee asks). Integer arithmetic, so 20 x 95 / 100 is exactly 19. -#}
{% macro conformal_rank(score_count, level_percent) %}
    least(
        cast(floor((({{ score_count }} + 1) * {{ level_percent }} + 99) / 100) as integer),
        {{ score_count }}
    )
{%- endmacro %}


{#- Whether forecasts and their lower bounds stop at 0: unless the data has returns
    (var negative_quantity_policy keep, which keeps negative quantities). -#}
{% macro forecasts_stop_at_zero() %}
    {{- return(var('negative_quantity_policy') != 'keep') -}}
{% endmacro %}


{#- One bound of a conformal interval: prediction -/+ quantile x spread; lower bounds
    stop at 0 unless the data has returns (macro forecasts_stop_at_zero). -#}
{% macro interval_bound(alias, quantile, sign) %}
    {%- set value = 'coalesce(' ~ alias ~ '.predicted_quantity, 0) ' ~ sign ~ ' ' ~ quantile
        ~ ' * ' ~ forecast_spread('coalesce(' ~ alias ~ '.predicted_quantity, 0)') %}
    {%- if sign == '-' and forecasts_stop_at_zero() -%}
        {#- greatest() skips nulls: no calibration (no backtest) must give no bound, not 0. -#}
        case when {{ quantile }} is not null then greatest({{ value }}, 0) end
    {%- else -%}
        {{ value }}
    {%- endif %}
{%- endmacro %}


{#- The 80% and 95% conformal quantiles (columns q80, q95) of a group of ranked scores:
    the score at conformal_rank of the group's score_count. Over rows with
    conformity_score, score_rank (1 = smallest) and score_count; the one calibration of
    forecast_candidates and int_hierarchy_forecasts. -#}
{% macro conformal_quantiles() %}
    max(case when score_rank = {{ conformal_rank('score_count', 80) }} then conformity_score end) as q80,
    max(case when score_rank = {{ conformal_rank('score_count', 95) }} then conformity_score end) as q95
{%- endmacro %}
