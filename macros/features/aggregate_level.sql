{#- The aggregate a series belongs to at var prophet_level (store, store_category,
    store_department or total), as text: 'S01', 'S01|foods', 'all'. -#}
{% macro aggregate_level_id() %}
    {%- set level = var('prophet_level') %}
    {%- set parts = {
        'store': ['store_id'],
        'store_category': ['store_id', "coalesce(category_id, '')"],
        'store_department': ['store_id', "coalesce(department_id, '')"],
        'total': ["'all'"],
    } %}
    {%- if level not in parts %}
        {% do exceptions.raise_compiler_error(
            "var prophet_level = '" ~ level ~ "' is not one of: " ~ (parts.keys() | join(', '))) %}
    {%- endif %}
    {{- return(parts[level] | join(" || '|' || ")) -}}
{% endmacro %}
