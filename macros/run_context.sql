{#- The run's as-of date: var as_of_date, or the latest sales date of a reported period (stg_run_context). -#}
{% macro as_of_date() %}
    (select as_of_date from {{ ref('stg_run_context') }})
{%- endmacro %}


{#- The end date of the period (day or week, var frequency) that contains a date. -#}
{% macro period_end_date(date_expression) %}
    {%- if var('frequency') == 'day' -%}
        {{ date_expression }}
    {%- else -%}
        {%- set days_to_period_end -%}
            mod((select week_end_isodow from {{ ref('stg_run_context') }})
                - {{ iso_day_of_week(date_expression) }} + 7, 7)
        {%- endset -%}
        cast({{ dbt.dateadd('day', days_to_period_end, date_expression) }} as date)
    {%- endif -%}
{%- endmacro %}


{#- Length of one period in days. -#}
{% macro period_days() %}
    {{- return(7 if var('frequency') == 'week' else 1) -}}
{% endmacro %}
