{{ config(materialized='table') }}

{#- Where every raw row went, per input: one row per input_name. raw_rows is counted on the
    raw table itself (for wide files, which are unpivoted: rows x value columns) plus the
    rows the CSV reader could not read (one each), independently of the parsing, so a row
    lost anywhere in staging breaks raw_rows = clean_rows + quarantined_rows +
    beyond_as_of_rows, which is tested. -#}

with

quarantine_counts as (
    select
        input_name,
        count(*) as quarantined_rows,
        count(case when reason_code = 'exact_duplicate' then 1 end) as exact_duplicate_rows
    from {{ ref('stg_quarantined_rows') }}
    group by input_name
),

{% for input in staged_inputs() %}
{{ input['name'] }}_counts as (
    select
        {{ sql_string(input['name']) }} as input_name,
        {% if input['raw_source'] -%}
        (select count(*) from {{ source('raw', input['raw_source']) }})
        {%- if input['raw_source'] == 'm5_sales' %} * {{ m5_day_columns() | length }}{% endif %}
        {%- if input['raw_source'] == 'exogenous' %}
        * {{ exogenous_value_columns(source('raw', 'exogenous')) | length }}
        {%- endif %}
        + (
            select count(*)
            from {{ unreadable_rows() }} as unreadable_rows
            where input_name = {{ sql_string(input['name']) }}
        )
        {%- else -%}
        cast(null as bigint)
        {%- endif %} as raw_rows,
        (select count(*) from {{ ref(input['staging']) }}) as clean_rows,
        (
            select count(*)
            from {{ ref('base_' ~ input['name'] ~ '__classified') }}
            where row_status = 'beyond_as_of'
        ) as beyond_as_of_rows
),
{% endfor %}

unioned as (
    {%- for input in staged_inputs() %}
    select * from {{ input['name'] }}_counts
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        unioned.input_name,
        unioned.raw_rows,
        unioned.clean_rows,
        coalesce(quarantine_counts.quarantined_rows, 0) as quarantined_rows,
        coalesce(quarantine_counts.exact_duplicate_rows, 0) as exact_duplicate_rows,
        unioned.beyond_as_of_rows,
        unioned.raw_rows is null as is_derived_input,
        run_context.as_of_date,
        run_context.invocation_id
    from unioned
    left join quarantine_counts
        on unioned.input_name = quarantine_counts.input_name
    cross join {{ ref('stg_run_context') }} as run_context
)

select * from final
