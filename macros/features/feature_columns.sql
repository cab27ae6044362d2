{#- The columns of a relation but the listed ones, qualified by an alias and optionally
    renamed with a prefix: the feature columns of a feature model, without repeating
    their (var-dependent) names. -#}
{% macro columns_except(relation, excluded, alias, prefix='') %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set kept = [] %}
    {% for column in adapter.get_columns_in_relation(relation) %}
        {% if column.name not in excluded %}
            {% do kept.append(alias ~ '.' ~ adapter.quote(column.name)
                ~ (' as ' ~ adapter.quote(prefix ~ column.name) if prefix else '')) %}
        {% endif %}
    {% endfor %}
    {{ return(kept) }}
{% endmacro %}


{#- A one-column table of the whole numbers 1 .. n. -#}
{% macro whole_numbers_sql(n, column_name) %}
    {{- return(adapter.dispatch('whole_numbers_sql', 'demandcast')(n, column_name)) -}}
{% endmacro %}

{% macro default__whole_numbers_sql(n, column_name) %}
select {{ column_name }}
from (
    values {% for number in range(1, n + 1) %}({{ number }}){{ ', ' if not loop.last }}{% endfor %}
) as numbers ({{ column_name }})
{%- endmacro %}

{% macro duckdb__whole_numbers_sql(n, column_name) %}
select cast(generated.{{ column_name }} as integer) as {{ column_name }}
from range(1, {{ n + 1 }}) as generated ({{ column_name }})
{%- endmacro %}
