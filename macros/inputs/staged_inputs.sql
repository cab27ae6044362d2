{#- The staged inputs: base model name, clean staging model, raw columns kept in the
    quarantine, and whether the raw count is one row per file row (derived inputs of the
    M5 format are built from other files and have no raw count of their own). -#}
{% macro staged_inputs() %}
    {% set is_m5 = var('input_format') == 'm5' %}
    {% set inputs = [
        {'name': 'sales', 'staging': 'stg_sales',
         'raw_columns': ['raw_sales_date', 'raw_store_id', 'raw_item_id', 'raw_quantity', 'raw_is_holiday', 'raw_day_column'],
         'raw_source': 'm5_sales' if is_m5 else 'sales'},
        {'name': 'prices', 'staging': 'stg_prices',
         'raw_columns': ['raw_effective_date', 'raw_store_id', 'raw_item_id', 'raw_price', 'raw_is_promotion'],
         'raw_source': 'm5_prices' if is_m5 else 'prices'},
        {'name': 'events', 'staging': 'stg_calendar_events',
         'raw_columns': ['raw_event_date', 'raw_event_name', 'raw_event_type', 'raw_locale_level',
                         'raw_locale_name', 'raw_is_transferred'],
         'raw_source': none if is_m5 else 'events'},
        {'name': 'stores', 'staging': 'stg_stores',
         'raw_columns': ['raw_store_id', 'raw_store_name', 'raw_region', 'raw_city', 'raw_store_type',
                         'raw_store_size'],
         'raw_source': none if is_m5 else 'stores'},
        {'name': 'items', 'staging': 'stg_items',
         'raw_columns': ['raw_item_id', 'raw_item_name', 'raw_department_id', 'raw_category_id'],
         'raw_source': none if is_m5 else 'items'},
        {'name': 'exogenous', 'staging': 'stg_store_exogenous',
         'raw_columns': ['raw_observation_date', 'raw_store_id', 'raw_value'],
         'raw_source': none if is_m5 else 'exogenous'},
    ] %}
    {{ return(inputs) }}
{% endmacro %}


{#- The rows the CSV reader could not read (raw.unreadable_rows, filled by the on-run-start
    hook), with the staged input each belongs to; an empty relation where no hook loads
    files (a cloud warehouse's EL tool lands clean tables). -#}
{% macro unreadable_rows() %}
    {%- set relation = source('raw', 'unreadable_rows') -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier)
        if execute else none -%}
    {%- set names = [] -%}
    {%- for input in staged_inputs() if input['raw_source'] -%}
        {%- do names.append("when " ~ sql_string(input['raw_source']) ~ " then " ~ sql_string(input['name'])) -%}
    {%- endfor -%}
    {%- if found -%}
        (select
            case raw_source {{ names | join(' ') }} end as input_name,
            *
        from {{ relation }})
    {%- else -%}
        (select
            cast(null as {{ text_type() }}) as input_name,
            cast(null as {{ text_type() }}) as raw_source,
            cast(null as {{ text_type() }}) as source_file,
            cast(null as bigint) as source_row_number,
            cast(null as bigint) as kept_rows_before,
            cast(null as {{ text_type() }}) as reason_code,
            cast(null as {{ text_type() }}) as reason_detail,
            cast(null as {{ text_type() }}) as raw_line
        where 1 = 0)
    {%- endif -%}
{% endmacro %}
