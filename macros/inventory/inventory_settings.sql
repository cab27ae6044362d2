{#- An inventory var, checked before anything runs so that a bad default names itself
    instead of giving null safety stocks. Null is allowed for every input (no default:
    rows without a seed value get null and a reason), never a value out of its range. -#}
{% macro inventory_setting(name) %}
    {#- name: (lower bound, upper bound, bounds inclusive); none = unbounded. -#}
    {% set ranges = {
        'inventory_lead_time_days': (0, none, true),
        'inventory_service_level': (0, 1, false),
        'inventory_order_cost': (0, none, true),
        'inventory_holding_cost_rate': (0, none, false),
        'inventory_unit_cost': (0, none, true),
    } %}
    {% set value = var(name) %}
    {% if name == 'inventory_sigma_interval' %}
        {% if (value | string) not in ['80', '95'] %}
            {% do exceptions.raise_compiler_error(
                "var inventory_sigma_interval = '" ~ value ~ "' must be 80 or 95 (the forecast interval "
                ~ "the demand sigma is read from)") %}
        {% endif %}
        {{ return(value | int) }}
    {% endif %}
    {% if name not in ranges %}
        {% do exceptions.raise_compiler_error("unknown inventory setting " ~ name) %}
    {% endif %}
    {% if value is none %}
        {{ return(none) }}
    {% endif %}
    {% set low, high, inclusive = ranges[name] %}
    {% set is_number = modules.re.match('^-?[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$', value | string) is not none %}
    {% set number = (value | float) if is_number else none %}
    {% if not is_number
        or (low is not none and (number < low or (not inclusive and number == low)))
        or (high is not none and (number > high or (not inclusive and number == high))) %}
        {% do exceptions.raise_compiler_error(
            "var " ~ name ~ " = '" ~ value ~ "' must be null or a number "
            ~ ("in (" if not inclusive else "in [") ~ low ~ ", " ~ (high if high is not none else "inf")
            ~ (")" if not inclusive or high is none else "]")) %}
    {% endif %}
    {{ return(number) }}
{% endmacro %}


{#- SQL literal of an inventory var: the number, or a typed null. -#}
{% macro inventory_setting_sql(name) %}
    {%- set value = inventory_setting(name) -%}
    {{- return('cast(null as ' ~ type_double() ~ ')' if value is none else 'cast(' ~ value ~ ' as ' ~ type_double() ~ ')') -}}
{% endmacro %}


{#- 64-bit floating point: dbt.type_float() is a 32-bit float on DuckDB. -#}
{% macro type_double() %}
    {{- return(adapter.dispatch('type_double', 'demandcast')()) -}}
{% endmacro %}

{% macro default__type_double() %}double precision{% endmacro %}

{% macro bigquery__type_double() %}float64{% endmacro %}

{% macro spark__type_double() %}double{% endmacro %}
