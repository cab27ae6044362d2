{#- Feature settings: the var when set, else the default for the run's frequency. -#}
{% macro feature_setting(name) %}
    {% set defaults = {
        'forecast_horizon_periods': {'day': 28, 'week': 39},
        'feature_lags': {'day': [1, 2, 3, 7, 14, 28], 'week': [1, 2, 4, 13, 26, 52]},
        'feature_rolling_windows': {'day': [7, 28, 91], 'week': [4, 13, 52]},
        'feature_hierarchy_windows': {'day': [7, 28], 'week': [4, 13]},
        'regular_price_window_periods': {'day': 56, 'week': 8},
        'season_length_periods': {'day': 364, 'week': 52},
        'feature_cutoff_every_periods': {'day': 14, 'week': 2},
        'feature_cutoff_count': {'day': 26, 'week': 39},
        'backtest_origin_spacing_periods': {'day': 28, 'week': 4},
        'discontinued_after_periods': {'day': 364, 'week': 52},
        'baseline_season_periods': {'day': 7, 'week': 52},
        'baseline_moving_average_window': {'day': 28, 'week': 13},
        'prophet_share_window_periods': {'day': 28, 'week': 13},
        'prophet_share_basis': {'day': 'trailing', 'week': 'same_period_last_year'},
        'as_of_reference_periods': {'day': 28, 'week': 13},
        'training_window_periods': {'day': 364, 'week': 52},
        'review_actuals_periods': {'day': 182, 'week': 104},
        'demand_class_window_periods': {'day': 364, 'week': 52},
        'new_item_history_periods': {'day': 28, 'week': 8},
        'new_item_analogue_window_periods': {'day': 28, 'week': 13},
        'new_item_profile_periods': {'day': 7, 'week': 1},
    } %}
    {#- The numeric settings: the var's value checked as numbers (typed_var_rules). -#}
    {% set value = var(name, none) if name == 'prophet_share_basis' else number_var(name) %}
    {% if value is none %}
        {#- Runs at parse time, before the run's var checks: check frequency here too. -#}
        {% if var('frequency') not in defaults[name] %}
            {% do exceptions.raise_compiler_error(
                "var frequency = '" ~ var('frequency') ~ "' is not one of: day, week") %}
        {% endif %}
        {% set value = defaults[name][var('frequency')] %}
    {% endif %}
    {{ return(value) }}
{% endmacro %}


{#- Suffix naming a window in periods: 7d, 4w. -#}
{% macro period_suffix() %}
    {{- return('w' if var('frequency') == 'week' else 'd') -}}
{% endmacro %}


{#- A date shifted by a number of periods (negative = back). -#}
{% macro add_periods(date_expression, periods) %}
    cast({{ dbt.dateadd('day', '(' ~ periods ~ ') * ' ~ period_days(), date_expression) }} as date)
{%- endmacro %}


{#- Days from start_date to end_date (negative when end_date is earlier): dbt.datediff in
    days. On DuckDB it renders what dbt-duckdb's datediff renders, without the blank lines
    and the space before the closing bracket that sqlfluff (LT01) reports in its output. -#}
{% macro days_between(start_date, end_date) %}
    {{- return(adapter.dispatch('days_between', 'demandcast')(start_date, end_date)) -}}
{% endmacro %}

{% macro default__days_between(start_date, end_date) %}
    {{- dbt.datediff(start_date, end_date, 'day') | trim -}}
{% endmacro %}

{% macro spark__days_between(start_date, end_date) %}
    {#- A bigint, as DuckDB's date_diff (Spark's datediff is an int). -#}
    {{- "cast(datediff(cast(" ~ end_date ~ " as date), cast(" ~ start_date ~ " as date)) as bigint)" -}}
{% endmacro %}

{% macro duckdb__days_between(start_date, end_date) %}
    {{- "(date_diff('day', " ~ start_date ~ "::timestamp, " ~ end_date ~ "::timestamp))" -}}
{% endmacro %}
