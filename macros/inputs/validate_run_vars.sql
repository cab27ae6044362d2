{#- Vars with a fixed vocabulary are checked before anything runs, so a typo names itself. -#}
{% macro validate_run_vars() %}
    {#- Numbers, booleans and schema names first: they are rendered into SQL. -#}
    {% do validate_typed_vars() %}
    {% do schema_var('raw_schema') %}
    {% set allowed = {
        'input_format': ['canonical', 'm5'],
        'frequency': ['day', 'week'],
        'negative_quantity_policy': ['keep', 'quarantine'],
    } %}
    {% for name, values in allowed.items() %}
        {% if var(name) not in values %}
            {% do exceptions.raise_compiler_error(
                "var " ~ name ~ " = '" ~ var(name) ~ "' is not one of: " ~ (values | join(', '))) %}
        {% endif %}
    {% endfor %}
    {#- Mapping vars of the calendar: raise naming the var when malformed. -#}
    {% do event_locale_store_columns() %}
    {% do holiday_event_types() %}
    {% set as_of = var('as_of_date') %}
    {% if as_of and not modules.re.match('^\d{4}-\d{2}-\d{2}$', as_of | string) %}
        {% do exceptions.raise_compiler_error(
            "var as_of_date = '" ~ as_of ~ "' is not a date written YYYY-MM-DD (or null for the "
            ~ "latest date in the data)") %}
    {% endif %}
    {% set week_end = var('week_ending_day') %}
    {% if week_end != 'auto' and (week_end | string) not in ['1', '2', '3', '4', '5', '6', '7'] %}
        {% do exceptions.raise_compiler_error(
            "var week_ending_day = '" ~ week_end ~ "' must be auto or an ISO weekday 1 (Monday) .. 7 (Sunday)") %}
    {% endif %}
{% endmacro %}
