{#- One row per raw price-change row (per store x item x week for M5), typed, with the
    reason it cannot be used, if any. -#}

with

{% if var('input_format') == 'm5' -%}

prices as (
    select * from {{ source('raw', 'm5_prices') }}
),

calendar_weeks as (
    select
        wm_yr_wk,
        min(date) as week_start_date
    from {{ source('raw', 'm5_calendar') }}
    group by wm_yr_wk
),

renamed as (
    select
        prices._source_file as source_file,
        prices._source_row_number as source_row_number,
        false as has_extra_fields,
        calendar_weeks.week_start_date as raw_effective_date,
        prices.store_id as raw_store_id,
        prices.item_id as raw_item_id,
        prices.sell_price as raw_price,
        cast(null as {{ text_type() }}) as raw_is_promotion
    from prices
    left join calendar_weeks
        on prices.wm_yr_wk = calendar_weeks.wm_yr_wk
),

{%- else %}

{{ canonical_renamed('prices') }}

{%- endif %}

cleaned as (
    select
        *,
        {{ clean_text('raw_effective_date') }} as effective_date_text,
        {{ clean_id('raw_store_id') }} as store_id,
        {{ clean_id('raw_item_id') }} as item_id,
        {{ clean_text('raw_price') }} as price_text,
        {{ clean_text('raw_is_promotion') }} as is_promotion_text
    from renamed
),

typed as (
    select
        *,
        {{ parse_date('effective_date_text') }} as effective_date,
        {{ parse_number('price_text') }} as price,
        {{ parse_boolean('is_promotion_text') }} as is_promotion
    from cleaned
),

final as (
    select
        source_file,
        source_row_number,
        raw_effective_date,
        raw_store_id,
        raw_item_id,
        raw_price,
        raw_is_promotion,
        effective_date,
        store_id,
        item_id,
        price,
        is_promotion,
        case
            when has_extra_fields then 'extra_fields'
            when store_id is null or item_id is null then 'null_key'
            {{ date_rejection_reason('effective_date_text', 'effective_date') }}
        end as key_rejection_reason,
        case
            {{ number_rejection_reason('price_text', 'price', 'price', 'missing_price') }}
            when price <= 0 then 'non_positive_price'
            when is_promotion_text is not null and is_promotion is null then 'unparseable_is_promotion'
        end as value_rejection_reason
    from typed
)

select * from final
