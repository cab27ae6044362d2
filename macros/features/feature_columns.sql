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
            {% do kept.append(alias ~ '.' ~ quote_identifier(column.name)
                ~ (' as ' ~ quote_identifier(prefix ~ column.name) if prefix else '')) %}
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
select cast(whole_numbers.{{ column_name }} as integer) as {{ column_name }}
from range(1, {{ n + 1 }}) as whole_numbers ({{ column_name }})
{%- endmacro %}


{#- Whether a series falls in a stable sample of about `share` of all series (1 = all):
    md5(key)'s first four hex digits below share x 16^4. The same series on every
    run and warehouse (md5 is portable; its lowercase hex compares like the number). -#}
{% macro in_series_sample(key_columns, share) %}
    {%- if share is none or share >= 1 -%}
        true
    {%- else -%}
        {%- set parts = [] -%}
        {%- for column in key_columns -%}
            {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
            {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
        {%- endfor -%}
        {#- A 32-digit hash is below a 4-digit bound exactly when its first four digits are. -#}
        {{ dbt.hash(dbt.concat(parts)) }} < '{{ '%04x' % ((share * 65536) | round | int) }}'
    {%- endif -%}
{% endmacro %}
