{#- One row per raw sales row (per day cell for M5's wide file), typed, with the reason it
    cannot be used, if any. Classification (as-of, duplicates) happens downstream. -#}

with

{% if var('input_format') == 'm5' -%}

sales_wide as (
    select * from {{ source('raw', 'm5_sales') }}
),

calendar as (
    select * from {{ source('raw', 'm5_calendar') }}
),

unpivoted as (
    select
        _source_file,
        _source_row_number,
        store_id,
        item_id,
        day_column,
        raw_quantity
    from sales_wide
    unpivot include nulls (raw_quantity for day_column in (
        {%- for column in m5_day_columns() %}
        {{ quote_identifier(column) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
),

renamed as (
    select
        unpivoted._source_file as source_file,
        unpivoted._source_row_number as source_row_number,
        false as has_extra_fields,
        unpivoted.day_column as raw_day_column,
        calendar.date as raw_sales_date,
        unpivoted.store_id as raw_store_id,
        unpivoted.item_id as raw_item_id,
        unpivoted.raw_quantity,
        cast(null as {{ text_type() }}) as raw_is_holiday
    from unpivoted
    left join calendar
        on unpivoted.day_column = calendar.d
),

{%- else %}

{{ canonical_renamed(
    'sales',
    replaced={} if sales_have_item_column() else {'item_id': sql_string(var('store_only_item_id'))},
    extra_columns={'raw_day_column': 'cast(null as ' ~ text_type() ~ ')'}
) }}

{%- endif %}

cleaned as (
    select
        *,
        {{ clean_text('raw_sales_date') }} as sales_date_text,
        {{ clean_id('raw_store_id') }} as store_id,
        {{ clean_id('raw_item_id') }} as item_id,
        {{ clean_text('raw_quantity') }} as quantity_text,
        {{ clean_text('raw_is_holiday') }} as is_holiday_text
    from renamed
),

typed as (
    select
        *,
        {{ parse_date('sales_date_text') }} as sales_date,
        {{ parse_number('quantity_text') }} as quantity,
        {{ parse_boolean('is_holiday_text') }} as is_holiday
    from cleaned
),

final as (
    select
        source_file,
        source_row_number,
        raw_day_column,
        raw_sales_date,
        raw_store_id,
        raw_item_id,
        raw_quantity,
        raw_is_holiday,
        sales_date,
        store_id,
        item_id,
        quantity,
        is_holiday,
        case
            when has_extra_fields then 'extra_fields'
            when store_id is null or item_id is null then 'null_key'
            {{ date_rejection_reason('sales_date_text', 'sales_date') }}
        end as key_rejection_reason,
        case
            {{ number_rejection_reason('quantity_text', 'quantity', 'quantity', 'missing_quantity') }}
            {%- if var('negative_quantity_policy') == 'quarantine' %}
            when quantity < 0 then 'negative_quantity'
            {%- endif %}
            when is_holiday_text is not null and is_holiday is null then 'unparseable_is_holiday'
        end as value_rejection_reason
    from typed
)

select * from final
