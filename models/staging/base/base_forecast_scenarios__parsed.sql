{#- One row per scenario row (the forecast_scenarios seed's, then var forecast_scenarios'),
    typed, with the reason it cannot be used that the row itself gives, if any (the
    reasons that need other tables are base_forecast_scenarios__classified's).

    A build that selects staging without the seed (dbt run, or --select
    path:models/staging) finds no seed table in a new warehouse: it reads the var's rows
    only, and says so in the log (dbt build and dbt seed load the seed). -#}

{%- set columns = forecast_scenario_columns() %}
{%- set seed = ref('forecast_scenarios') %}
{%- set seed_loaded = not execute or load_relation(seed) is not none %}
{%- if not seed_loaded %}
    {%- do log("forecast_scenarios: the seed is not loaded in this warehouse (dbt seed or"
        ~ " dbt build loads it); reading var forecast_scenarios' rows only", info=true) %}
{%- endif %}

with

seed_rows as (
    select
        'seeds/forecast_scenarios.csv' as source_file,
        {%- if seed_loaded %}
        {{ seed_row_number(columns) }} as source_row_number{% for column in columns %},
        {{ column }} as raw_{{ column }}{% endfor %}
    from {{ seed }}
        {%- else %}
        cast(null as {{ dbt.type_bigint() }}) as source_row_number{% for column in columns %},
        cast(null as {{ dbt.type_string() }}) as raw_{{ column }}{% endfor %}
    where 1 = 0
        {%- endif %}
),

var_scenarios as (
    {{ forecast_scenario_var_rows() }}
),

var_rows as (
    select
        'var forecast_scenarios' as source_file,
        var_scenarios.source_row_number{% for column in columns %},
        var_scenarios.raw_{{ column }}{% endfor %}
    from var_scenarios
),

unioned as (
    select * from seed_rows
    union all
    select * from var_rows
),

cleaned as (
    select
        *,
        {{ clean_text('raw_scenario_name') }} as scenario_name,
        {{ clean_id('raw_store_id') }} as store_id,
        {{ clean_id('raw_item_id') }} as item_id,
        {{ clean_text('raw_start_date') }} as start_date_text,
        {{ clean_text('raw_end_date') }} as end_date_text,
        {{ clean_text('raw_price') }} as price_text,
        {{ clean_text('raw_is_promotion') }} as is_promotion_text
    from unioned
),

typed as (
    select
        *,
        {{ parse_date('start_date_text') }} as start_date,
        {{ parse_date('end_date_text') }} as end_date,
        {{ parse_number('price_text') }} as price,
        {{ parse_boolean('is_promotion_text') }} as is_promotion
    from cleaned
),

final as (
    select
        source_file,
        source_row_number,
        {%- for column in columns %}
        raw_{{ column }},
        {%- endfor %}
        scenario_name,
        store_id,
        item_id,
        start_date,
        end_date,
        price,
        is_promotion,
        {#- Scenario dates lie ahead: no upper bound, only var min_valid_date. #}
        case
            when scenario_name is null or store_id is null or item_id is null then 'null_key'
            {{ date_rejection_reason('start_date_text', 'start_date', allow_future=true) }}
            {{ date_rejection_reason('end_date_text', 'end_date', allow_future=true) }}
            when end_date < start_date then 'end_before_start'
            {{ number_rejection_reason('price_text', 'price', 'price') }}
            when price <= 0 then 'non_positive_price'
            when is_promotion_text is not null and is_promotion is null then 'unparseable_is_promotion'
            when price is null and is_promotion is null then 'no_override'
        end as row_rejection_reason
    from typed
)

select * from final
