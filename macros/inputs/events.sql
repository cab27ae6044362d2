{#- Store attributes an event's locale can name: the text columns of stg_stores. -#}
{% macro event_locale_store_attributes() %}
    {{ return(['region', 'city', 'store_type', 'store_name']) }}
{% endmacro %}


{#- var event_locale_store_columns, checked: {locale_level (lower case): stg_stores column}.
    An event of a listed level applies to the stores whose column equals its locale_name;
    an event of any other level (national, or no locale) applies to every store. -#}
{% macro event_locale_store_columns() %}
    {% set mapping = var('event_locale_store_columns', {}) or {} %}
    {% if mapping is not mapping %}
        {% do exceptions.raise_compiler_error(
            "var event_locale_store_columns must be a mapping {locale_level: store_column}, e.g. "
            ~ "{regional: region, local: city}; got: " ~ mapping) %}
    {% endif %}
    {% set resolved = {} %}
    {% for level, column in mapping.items() %}
        {% if column not in event_locale_store_attributes() %}
            {% do exceptions.raise_compiler_error(
                "var event_locale_store_columns." ~ level ~ " = '" ~ column ~ "' is not a store "
                ~ "attribute; use one of: " ~ (event_locale_store_attributes() | join(', '))) %}
        {% endif %}
        {% do resolved.update({level | string | lower | trim: column}) %}
    {% endfor %}
    {{ return(resolved) }}
{% endmacro %}


{#- var holiday_event_types, checked: the event types (lower case) that make a period a
    holiday. -#}
{% macro holiday_event_types() %}
    {% set types = var('holiday_event_types') %}
    {% if types is string or types is mapping or types is not iterable or not types %}
        {% do exceptions.raise_compiler_error(
            "var holiday_event_types must be a non-empty list of event types, e.g. [holiday]; got: "
            ~ types) %}
    {% endif %}
    {% set lowered = [] %}
    {% for event_type in types %}{% do lowered.append(event_type | string | lower | trim) %}{% endfor %}
    {{ return(lowered) }}
{% endmacro %}


{#- Whether an event (alias events, from int_calendar_events) applies to a store (alias
    stores, from stg_stores): the one place the locale rule is written. -#}
{% macro event_applies_to_store(events, stores) %}
    (
        {{ events }}.store_match_column is null
        {%- for column in event_locale_store_attributes() %}
        or (
            {{ events }}.store_match_column = {{ sql_string(column) }}
            and lower({{ stores }}.{{ column }}) = lower({{ events }}.locale_name)
        )
        {%- endfor %}
    )
{%- endmacro %}
