{{ config(materialized='table') }}

{#- Every row that did not reach a clean staging table, with where it came from, why, and
    its raw values: one row per input_name, source_file, source_row_number (and, for
    unpivoted inputs, per cell: the raw values say which). -#}

with

{% for input in staged_inputs() %}
{{ input['name'] }}_quarantined as (
    select
        {{ sql_string(input['name']) }} as input_name,
        source_file,
        source_row_number,
        reason_code,
        reason_detail,
        {{ raw_values_json(input['raw_columns']) }} as raw_values
    from {{ ref('base_' ~ input['name'] ~ '__classified') }}
    where row_status = 'quarantined'
),
{% endfor %}

unreadable as (
    {#- Rows the CSV reader could not split or decode never reached parsing; their raw
        line is all there is. -#}
    select
        input_name,
        source_file,
        source_row_number,
        reason_code,
        reason_detail,
        {{ raw_values_json(['raw_line']) }} as raw_values
    from {{ unreadable_rows() }} as unreadable_rows
    where input_name is not null
),

unioned as (
    {%- for input in staged_inputs() %}
    select * from {{ input['name'] }}_quarantined
    union all
    {%- endfor %}
    select * from unreadable
),

final as (
    select
        unioned.input_name,
        unioned.source_file,
        unioned.source_row_number,
        unioned.reason_code,
        unioned.reason_detail,
        unioned.raw_values,
        run_context.as_of_date,
        run_context.invocation_id
    from unioned
    cross join {{ ref('stg_run_context') }} as run_context
)

select * from final
