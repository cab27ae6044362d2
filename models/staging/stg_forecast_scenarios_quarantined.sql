{#- Every scenario row that did not reach stg_forecast_scenarios, with where it came from,
    why, and its raw values: stg_quarantined_rows' columns, for the scenario input. One row
    per source_file, source_row_number. -#}

{%- set raw_columns = [] %}
{%- for column in forecast_scenario_columns() %}{% do raw_columns.append('raw_' ~ column) %}{% endfor %}

with

classified as (
    select * from {{ ref('base_forecast_scenarios__classified') }}
),

quarantined as (
    select
        source_file,
        source_row_number,
        reason_code,
        reason_detail,
        {{ raw_values_json(raw_columns) }} as raw_values
    from classified
    where row_status = 'quarantined'
),

final as (
    select
        'forecast_scenarios' as input_name,
        quarantined.source_file,
        quarantined.source_row_number,
        quarantined.reason_code,
        quarantined.reason_detail,
        quarantined.raw_values,
        run_context.as_of_date,
        run_context.invocation_id
    from quarantined
    cross join {{ ref('stg_run_context') }} as run_context
)

select * from final
