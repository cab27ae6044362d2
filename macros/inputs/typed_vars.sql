{#
    The numeric and boolean vars, each checked as a value of its type before anything
    runs (validate_run_vars -> validate_typed_vars) and read through number_var,
    boolean_var or feature_setting, which return the checked value: SQL only ever sees a
    number or true/false the macro rendered, never the var's text.
#}

{#- name: kind (int | number | boolean), lower/upper bound (none = unbounded), whether a
    bound is excluded (min_open, max_open), whether null is allowed (nullable: the default
    of the run's frequency, see feature_setting), and list (a list of such values). -#}
{% macro typed_var_rules() %}
    {% set int_ge_1 = {'kind': 'int', 'min': 1} %}
    {% set frequency_default = {'kind': 'int', 'min': 1, 'nullable': true} %}
    {% set frequency_default_list = {'kind': 'int', 'min': 1, 'nullable': true, 'list': true} %}
    {#- Alert thresholds are any number: a negative one alerts on every run (tests force
        alerts so). -#}
    {% set any_number = {'kind': 'number'} %}
    {% set non_negative = {'kind': 'number', 'min': 0} %}
    {% set whole_non_negative = {'kind': 'int', 'min': 0} %}
    {{ return({
        'max_abs_quantity': {'kind': 'number', 'min': 0, 'min_open': true},
        'forecast_horizon_periods': frequency_default,
        'feature_lags': frequency_default_list,
        'feature_rolling_windows': frequency_default_list,
        'feature_ewm_alphas': {'kind': 'number', 'min': 0, 'min_open': true, 'max': 0.9, 'list': true},
        'feature_hierarchy_windows': frequency_default_list,
        'regular_price_window_periods': frequency_default,
        'season_length_periods': frequency_default,
        'feature_cutoff_every_periods': frequency_default,
        'feature_cutoff_count': frequency_default,
        'training_window_periods': frequency_default,
        'training_series_share': {'kind': 'number', 'min': 0, 'min_open': true, 'max': 1},
        'training_row_budget': whole_non_negative,
        'model_threads': whole_non_negative,
        'backtest_origins': int_ge_1,
        'backtest_origin_spacing_periods': frequency_default,
        'discontinued_after_periods': frequency_default,
        'exogenous_publication_lag_days': whole_non_negative,
        'baseline_season_periods': frequency_default,
        'baseline_moving_average_window': frequency_default,
        'prophet_max_series': int_ge_1,
        'prophet_share_window_periods': frequency_default,
        'model_selection_min_origins': int_ge_1,
        'model_selection_margin': {'kind': 'number', 'min': 0, 'max': 1, 'max_open': true},
        'wmae_holiday_weight': non_negative,
        'interval_spread_power': non_negative,
        'interval_spread_floor': {'kind': 'number', 'min': 0, 'min_open': true},
        'force_retrain': {'kind': 'boolean'},
        'model_max_age_days': whole_non_negative,
        'model_promotion_margin': {'kind': 'number', 'min': 0, 'max': 1, 'max_open': true},
        'alert_accuracy_degradation': any_number,
        'alert_bias': any_number,
        'alert_psi': any_number,
        'alert_null_rate': any_number,
        'alert_row_count_drop': any_number,
        'alert_min_rows': whole_non_negative,
        'freshness_max_lag_periods': whole_non_negative,
        'freshness_grace_days': whole_non_negative,
        'as_of_min_reporting_share': {'kind': 'number', 'min': 0, 'min_open': true, 'max': 1},
        'as_of_reference_periods': frequency_default,
        'review_actuals_periods': frequency_default,
        'demand_class_window_periods': frequency_default,
        'demand_class_adi_cutoff': {'kind': 'number', 'min': 1},
        'demand_class_cv_squared_cutoff': non_negative,
        'intermittent_alpha': {'kind': 'number', 'min': 0, 'min_open': true, 'max': 1},
        'tsb_probability_alpha': {'kind': 'number', 'min': 0, 'min_open': true, 'max': 1},
        'new_item_history_periods': {'kind': 'int', 'min': 0, 'nullable': true},
        'new_item_analogue_window_periods': frequency_default,
        'new_item_profile_periods': frequency_default,
        'new_item_analogue_weight_periods': non_negative,
        'dq_quarantine_sample_rows': int_ge_1,
        'explanation_top_features': int_ge_1,
        'explanation_exact_max_rows': whole_non_negative,
    }) }}
{% endmacro %}


{#- Every typed var checked (and the inventory ones, inventory_setting's rules). -#}
{% macro validate_typed_vars() %}
    {% for name in typed_var_rules() %}
        {% do checked_var(name, var(name, none)) %}
    {% endfor %}
    {% for name in ['inventory_lead_time_days', 'inventory_service_level', 'inventory_order_cost',
                    'inventory_unit_cost', 'inventory_holding_cost_rate', 'inventory_sigma_interval'] %}
        {% do inventory_setting(name) %}
    {% endfor %}
    {#- Lists and mappings of names, rendered as text literals: a fixed vocabulary. -#}
    {% set models = var('combination_models') %}
    {#- Neither derived candidate: combination is their mean, reconciled is built on one. -#}
    {% set known_models = candidate_models() | reject('in', ['combination', 'reconciled']) | list %}
    {% if models is string or models is mapping or models is not iterable or not models
        or models | reject('in', known_models) | list %}
        {% do exceptions.raise_compiler_error(
            "var combination_models = '" ~ models ~ "' must be a non-empty list of: "
            ~ (known_models | join(', '))) %}
    {% endif %}
    {% set base_model = var('reconciled_base_model', none) %}
    {% set base_models = candidate_models() | reject('equalto', 'reconciled') | list %}
    {% if base_model is not none and base_model not in base_models %}
        {% do exceptions.raise_compiler_error(
            "var reconciled_base_model = '" ~ base_model ~ "' must be null or one of: "
            ~ (base_models | join(', '))) %}
    {% endif %}
    {% set severities = var('alert_severities') %}
    {% if severities is not mapping or severities.values() | reject('in', ['warn', 'error']) | list %}
        {% do exceptions.raise_compiler_error(
            "var alert_severities = '" ~ severities ~ "' must map alert types to warn or error") %}
    {% endif %}
    {% for name in ['min_valid_date', 'max_valid_date'] %}
        {% set value = var(name, none) %}
        {% if value is not none and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string) %}
            {% do exceptions.raise_compiler_error(
                "var " ~ name ~ " = '" ~ value ~ "' is not a date written YYYY-MM-DD"
                ~ (" (or null for the run's date)" if name == 'max_valid_date' else "")) %}
        {% endif %}
    {% endfor %}
{% endmacro %}


{#- The checked value of a typed var (int, float, bool, a list of them, or none). -#}
{% macro number_var(name) %}
    {{- return(checked_var(name, var(name, none))) -}}
{% endmacro %}

{#- A boolean var as a SQL literal. -#}
{% macro boolean_var(name) %}
    {{- return('true' if checked_var(name, var(name, none)) else 'false') -}}
{% endmacro %}


{#- value (of var name) checked against typed_var_rules()[name]; raises naming the var. -#}
{% macro checked_var(name, value) %}
    {% set rule = typed_var_rules()[name] %}
    {% if value is none %}
        {% if rule.get('nullable') %}
            {{ return(none) }}
        {% endif %}
        {% do exceptions.raise_compiler_error("var " ~ name ~ " is null; " ~ typed_var_expected(rule)) %}
    {% endif %}
    {% if rule.get('list') %}
        {% if value is string or value is mapping or value is not iterable or not value %}
            {% do exceptions.raise_compiler_error(
                "var " ~ name ~ " = '" ~ value ~ "' is not a list; " ~ typed_var_expected(rule)) %}
        {% endif %}
        {% set checked = [] %}
        {% for element in value %}
            {% do checked.append(checked_scalar(name, element, rule, value)) %}
        {% endfor %}
        {{ return(checked) }}
    {% endif %}
    {{ return(checked_scalar(name, value, rule, value)) }}
{% endmacro %}


{% macro checked_scalar(name, value, rule, whole_value) %}
    {% set kind = rule['kind'] %}
    {% set text = value | string | trim %}
    {% set fail = "var " ~ name ~ " = '" ~ whole_value ~ "' is not valid; " ~ typed_var_expected(rule) %}
    {% if kind == 'boolean' %}
        {% if value is boolean %}
            {{ return(value) }}
        {% elif value is string and text | lower in ['true', 'false'] %}
            {{ return(text | lower == 'true') }}
        {% endif %}
        {% do exceptions.raise_compiler_error(fail) %}
    {% endif %}
    {#- A bool is a number to Python; text is read only when it is a whole number literal. -#}
    {% if value is boolean %}
        {% do exceptions.raise_compiler_error(fail) %}
    {% elif value is number %}
        {% set number = value %}
    {% elif value is string and modules.re.match('^[-+]?[0-9]+$', text) %}
        {% set number = text | int %}
    {% elif value is string and modules.re.match('^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$', text) %}
        {% set number = text | float %}
    {% else %}
        {% do exceptions.raise_compiler_error(fail) %}
    {% endif %}
    {% if (number | string | lower) in ['inf', '-inf', 'nan'] %}
        {% do exceptions.raise_compiler_error(fail) %}
    {% endif %}
    {% if kind == 'int' %}
        {% if number != (number | int) %}
            {% do exceptions.raise_compiler_error(fail) %}
        {% endif %}
        {% set number = number | int %}
    {% endif %}
    {% set low = rule.get('min') %}
    {% set high = rule.get('max') %}
    {% if (low is not none and (number < low or (rule.get('min_open') and number == low)))
        or (high is not none and (number > high or (rule.get('max_open') and number == high))) %}
        {% do exceptions.raise_compiler_error(fail) %}
    {% endif %}
    {{ return(number) }}
{% endmacro %}


{#- What a rule asks for, in words: "a whole number >= 1 (or null for ...)". -#}
{% macro typed_var_expected(rule) %}
    {% if rule['kind'] == 'boolean' %}
        {{ return('expected true or false') }}
    {% endif %}
    {% set what = 'a whole number' if rule['kind'] == 'int' else 'a number' %}
    {% set bounds = [] %}
    {% if rule.get('min') is not none %}
        {% do bounds.append(('> ' if rule.get('min_open') else '>= ') ~ rule['min']) %}
    {% endif %}
    {% if rule.get('max') is not none %}
        {% do bounds.append(('< ' if rule.get('max_open') else '<= ') ~ rule['max']) %}
    {% endif %}
    {{ return('expected ' ~ ('a list of ' if rule.get('list') else '') ~ what
        ~ (' ' ~ (bounds | join(' and ')) if bounds else '')
        ~ (", or null for the default of the run's frequency" if rule.get('nullable') else '')) }}
{% endmacro %}
