{#- Vars with a fixed vocabulary are checked before anything runs, so a typo names itself. -#}
{% macro validate_run_vars() %}
    {#- Numbers, booleans and schema names first: they are rendered into SQL. -#}
    {% do validate_typed_vars() %}
    {% do schema_var('raw_schema') %}
    {% set allowed = {
        'input_format': ['canonical', 'm5'],
        'frequency': ['day', 'week'],
        'negative_quantity_policy': ['keep', 'quarantine'],
        'id_case': ['preserve', 'lower', 'upper'],
        'csv_encoding': csv_encodings_supported(),
    } %}
    {% for name, values in allowed.items() %}
        {% if var(name) not in values %}
            {% do exceptions.raise_compiler_error(
                "var " ~ name ~ " = '" ~ var(name) ~ "' is not one of: " ~ (values | join(', '))) %}
        {% endif %}
    {% endfor %}
    {% set encodings = var('csv_encodings', {}) or {} %}
    {% if encodings is not mapping %}
        {% do exceptions.raise_compiler_error(
            "var csv_encodings must be a mapping {input: encoding}, e.g. {stores: latin-1}; got: " ~ encodings) %}
    {% endif %}
    {% for input_name, encoding in encodings.items() %}
        {% if input_name not in input_contract() %}
            {% do exceptions.raise_compiler_error(
                "var csv_encodings has an unknown input '" ~ input_name ~ "'. Inputs: "
                ~ (input_contract().keys() | list | join(', '))) %}
        {% endif %}
        {% if encoding not in csv_encodings_supported() %}
            {% do exceptions.raise_compiler_error(
                "var csv_encodings." ~ input_name ~ " = '" ~ encoding ~ "' is not one of: "
                ~ (csv_encodings_supported() | join(', '))) %}
        {% endif %}
    {% endfor %}
    {% set markers = var('null_markers') %}
    {% if markers is not none and markers is not string %}
        {% if markers is mapping or markers is not iterable %}
            {% do exceptions.raise_compiler_error(
                "var null_markers must be a list of texts (or one text), e.g. [\"\", NA]; got: " ~ markers) %}
        {% endif %}
        {% for marker in markers if marker is not string %}
            {% do exceptions.raise_compiler_error(
                "var null_markers holds " ~ marker ~ ", which is not a text: quote it, e.g. null_markers: [\"" ~ marker ~ "\"]") %}
        {% endfor %}
    {% endif %}
    {#- Mapping vars of the calendar: raise naming the var when malformed. -#}
    {% do event_locale_store_columns() %}
    {% do holiday_event_types() %}
    {% do validate_as_of_date() %}
    {% set week_end = var('week_ending_day') %}
    {% if week_end != 'auto' and (week_end | string) not in ['1', '2', '3', '4', '5', '6', '7'] %}
        {% do exceptions.raise_compiler_error(
            "var week_ending_day = '" ~ week_end ~ "' must be auto or an ISO weekday 1 (Monday) .. 7 (Sunday)") %}
    {% endif %}
{% endmacro %}


{#- Encodings DuckDB's CSV reader decodes without an extension. -#}
{% macro csv_encodings_supported() %}
    {{ return(['utf-8', 'utf-16', 'latin-1']) }}
{% endmacro %}
