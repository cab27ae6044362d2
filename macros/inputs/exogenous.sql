{#- The series columns of the wide exogenous file: every column but the mapped keys, the
    provenance columns and those listed in exogenous_columns.exclude. -#}
{% macro exogenous_value_columns(relation) %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set mapping = input_columns('exogenous') %}
    {% set skipped = [mapping['observation_date'], mapping['store_id'], '_source_file', '_source_row_number'] %}
    {% set excluded = mapping.get('exclude') or [] %}
    {% set value_columns = [] %}
    {% for column in adapter.get_columns_in_relation(relation) %}
        {% if column.name not in skipped and column.name not in excluded %}
            {% do value_columns.append(column.name) %}
        {% endif %}
    {% endfor %}
    {{ return(value_columns) }}
{% endmacro %}


{#- The feature column of an exogenous series: exog_ and its name in snake case. -#}
{% macro exogenous_column_name(variable_name) %}
    {{- return('exog_' ~ modules.re.sub('[^a-z0-9]+', '_', variable_name | lower)) -}}
{% endmacro %}
