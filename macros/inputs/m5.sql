{#- The d_1 .. d_N day columns of the M5 wide sales file, in file order. -#}
{% macro m5_day_columns() %}
    {% set day_columns = raw_columns_matching(source('raw', 'm5_sales'), '^d_[0-9]+$') %}
    {% if execute and not day_columns %}
        {% do exceptions.raise_compiler_error(
            "The M5 sales file (var m5_sales_path) has no day columns d_1 .. d_N.") %}
    {% endif %}
    {{ return(day_columns) }}
{% endmacro %}


{#- Columns of a relation whose names match a regular expression, in order. -#}
{% macro raw_columns_matching(relation, pattern) %}
    {% if not execute %}
        {{ return(['_source_row_number']) }}  {#- parse time: any column will do #}
    {% endif %}
    {% set matched = [] %}
    {% for column in adapter.get_columns_in_relation(relation) %}
        {% if modules.re.match(pattern, column.name) %}
            {% do matched.append(column.name) %}
        {% endif %}
    {% endfor %}
    {{ return(matched) }}
{% endmacro %}


{#- The M5 branch of base_items__parsed and base_stores__parsed, written once: M5 has no
    item or store master, so one is read off the wide sales file, a row per distinct
    group_by, dated by its first source row. raw_columns: {raw column alias: sales file
    expression}, in output order. Ends with a comma: the model's `cleaned` CTE follows. -#}
{% macro m5_master_from_sales(raw_columns, group_by) %}
sales_wide as (
    select * from {{ source('raw', 'm5_sales') }}
),

renamed as (
    select
        min(_source_file) as source_file,
        min(_source_row_number) as source_row_number,
        false as has_extra_fields,
        {%- for alias, expression in raw_columns.items() %}
        {{ expression }} as {{ alias }}{{ ',' if not loop.last }}
        {%- endfor %}
    from sales_wide
    group by {{ group_by | join(', ') }}
),
{%- endmacro %}
