{#- One row per store, date and exogenous variable (the wide file unpivoted; for M5 the
    SNAP flag of each store's state), typed, with the reason it cannot be used, if any.
    A file without a store key (exogenous_columns: {store_id: null}) holds global series:
    store_id is null on every row.
    An empty cell is a missing observation (kept, value null), not a bad row. -#}
{%- set columns = input_columns('exogenous') -%}

with

{% if var('input_format') == 'm5' -%}

calendar as (
    select * from {{ source('raw', 'm5_calendar') }}
),

store_states as (
    select distinct
        store_id,
        state_id
    from {{ source('raw', 'm5_sales') }}
),

snap_by_state as (
    select
        _source_file,
        _source_row_number,
        date,
        state_column,
        raw_value
    from calendar
    {%- set snap_columns = raw_columns_matching(source('raw', 'm5_calendar'), '^snap_') %}
    unpivot include nulls (raw_value for state_column in (
        {%- for column in snap_columns %}
        {{ quote_identifier(column) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
),

renamed as (
    select
        snap_by_state._source_file as source_file,
        snap_by_state._source_row_number as source_row_number,
        false as has_extra_fields,
        snap_by_state.date as raw_observation_date,
        store_states.store_id as raw_store_id,
        'snap' as variable_name,
        snap_by_state.raw_value
    from snap_by_state
    inner join store_states
        on lower(snap_by_state.state_column) = 'snap_' || lower(store_states.state_id)
),

{%- else %}

{%- set value_columns = exogenous_value_columns(source('raw', 'exogenous')) %}

source as (
    select * from {{ source('raw', 'exogenous') }}
),

renamed as (
    {%- if value_columns %}
    select
        _source_file as source_file,
        _source_row_number as source_row_number,
        {{ has_extra_fields('exogenous') }} as has_extra_fields,
        {{ quote_identifier(columns['observation_date']) }} as raw_observation_date,
        {%- if exogenous_have_store_column() %}
        {{ quote_identifier(columns['store_id']) }} as raw_store_id,
        {%- else %}
        {#- A global series (oil prices): no store key, it applies to every store. #}
        cast(null as {{ text_type() }}) as raw_store_id,
        {%- endif %}
        lower(variable_name) as variable_name,
        raw_value
    from source
    unpivot include nulls (raw_value for variable_name in (
        {%- for column in value_columns %}
        {{ quote_identifier(column) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
    {%- else %}
    select
        cast(null as {{ text_type() }}) as source_file,
        cast(null as bigint) as source_row_number,
        false as has_extra_fields,
        cast(null as {{ text_type() }}) as raw_observation_date,
        cast(null as {{ text_type() }}) as raw_store_id,
        cast(null as {{ text_type() }}) as variable_name,
        cast(null as {{ text_type() }}) as raw_value
    from source
    where 1 = 0
    {%- endif %}
),

{%- endif %}

cleaned as (
    select
        *,
        {{ clean_text('raw_observation_date') }} as observation_date_text,
        {{ clean_id('raw_store_id') }} as store_id,
        {{ clean_text('raw_value') }} as value_text
    from renamed
),

typed as (
    select
        *,
        {{ parse_date('observation_date_text') }} as observation_date,
        {{ parse_number('value_text') }} as observed_value
    from cleaned
),

final as (
    select
        source_file,
        source_row_number,
        raw_observation_date,
        raw_store_id,
        raw_value,
        observation_date,
        store_id,
        variable_name,
        observed_value,
        case
            when has_extra_fields then 'extra_fields'
            {%- if exogenous_have_store_column() %}
            when store_id is null then 'null_key'
            {%- endif %}
            {{ date_rejection_reason('observation_date_text', 'observation_date') }}
        end as key_rejection_reason,
        case
            {{ number_rejection_reason('value_text', 'observed_value', 'value') }}
        end as value_rejection_reason
    from typed
)

select * from final
