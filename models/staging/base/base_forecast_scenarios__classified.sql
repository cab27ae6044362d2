{#- Decides the fate of every scenario row (base_forecast_scenarios__parsed), in this
    order: a reason of the row itself (null key, bad date, end before start, bad price or
    flag, nothing to override); a store, item or series the sales never named
    (unknown_store, unknown_item, unknown_series); a window holding no forecast period of
    this run (outside_forecast_horizon: no target date as_of + 1 .. as_of + horizon
    periods in it); a later row of the same scenario and series whose window overlaps it
    (overlapping_scenario_rows: as a later delivery corrects an earlier one, the later
    row wins; seed rows before the var's, each in its order). Returns every row with
    row_status (clean | quarantined), reason_code and reason_detail: nothing is dropped. -#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}

with

parsed as (
    select * from {{ ref('base_forecast_scenarios__parsed') }}
),

sales as (
    select * from {{ ref('stg_sales') }}
),

run_context as (
    select * from {{ ref('stg_run_context') }}
),

known_stores as (
    select distinct store_id
    from sales
),

known_items as (
    select distinct item_id
    from sales
),

known_series as (
    select distinct
        store_id,
        item_id
    from sales
),

horizon_steps as (
    {{ whole_numbers_sql(horizon, 'horizon_step') }}
),

as_of_period as (
    select {{ period_end_date('as_of_date') }} as as_of_period_end_date
    from run_context
),

target_dates as (
    {#- The target dates of this run's forecast (int_forecast_features' scoring rows). -#}
    select {{ add_periods('as_of_period.as_of_period_end_date', 'horizon_steps.horizon_step') }} as target_date
    from as_of_period
    cross join horizon_steps
),

horizon as (
    select
        min(target_date) as first_target_date,
        max(target_date) as last_target_date
    from target_dates
),

checked as (
    select
        parsed.*,
        case
            when parsed.row_rejection_reason is not null then parsed.row_rejection_reason
            when parsed.store_id not in (select known_stores.store_id from known_stores) then 'unknown_store'
            when parsed.item_id not in (select known_items.item_id from known_items) then 'unknown_item'
            when not exists (
                    select 1
                    from known_series
                    where
                        known_series.store_id = parsed.store_id
                        and known_series.item_id = parsed.item_id
                ) then 'unknown_series'
            when not exists (
                    select 1
                    from target_dates
                    where target_dates.target_date between parsed.start_date and parsed.end_date
                ) then 'outside_forecast_horizon'
        end as check_reason
    from parsed
),

overlapping_pairs as (
    {#- Each usable row with every later usable row of the same scenario and series whose
        window overlaps its own. -#}
    select
        earlier.source_file,
        earlier.source_row_number,
        later.source_file || ' row ' || cast(later.source_row_number as {{ dbt.type_string() }})
            as overlapping_row,
        row_number() over (
            partition by earlier.source_file, earlier.source_row_number
            order by later.source_file, later.source_row_number
        ) as overlap_rank
    from checked as earlier
    inner join checked as later
        on
            earlier.scenario_name = later.scenario_name
            and earlier.store_id = later.store_id
            and earlier.item_id = later.item_id
            and earlier.start_date <= later.end_date
            and earlier.end_date >= later.start_date
            and (
                earlier.source_file < later.source_file
                or (
                    earlier.source_file = later.source_file
                    and earlier.source_row_number < later.source_row_number
                )
            )
    where earlier.check_reason is null and later.check_reason is null
),

overlap as (
    {#- The first of them names the row that wins. -#}
    select
        source_file,
        source_row_number,
        overlapping_row,
        'overlapping_scenario_rows' as reason_code
    from overlapping_pairs
    where overlap_rank = 1
),

final as (
    select
        checked.source_file,
        checked.source_row_number,
        {%- for column in forecast_scenario_columns() %}
        checked.raw_{{ column }},
        {%- endfor %}
        checked.scenario_name,
        checked.store_id,
        checked.item_id,
        checked.start_date,
        checked.end_date,
        checked.price,
        checked.is_promotion,
        case
            when checked.check_reason is null and overlap.reason_code is null then 'clean'
            else 'quarantined'
        end as row_status,
        coalesce(checked.check_reason, overlap.reason_code) as reason_code,
        case coalesce(checked.check_reason, overlap.reason_code)
            when 'end_before_start'
                then 'end_date ' || checked.raw_end_date || ' is before start_date ' || checked.raw_start_date
            when 'non_positive_price' then 'price ' || checked.raw_price || ' is not above 0'
            when 'no_override' then 'neither price nor is_promotion is set: the scenario would change nothing'
            when 'unknown_store' then 'store ' || checked.store_id || ' has no sales rows'
            when 'unknown_item' then 'item ' || checked.item_id || ' has no sales rows'
            when 'unknown_series' then 'store ' || checked.store_id || ' never sold item ' || checked.item_id
            when 'outside_forecast_horizon'
                then 'no forecast period of this run ends in the window; the forecast covers '
                    || cast(horizon.first_target_date as {{ dbt.type_string() }}) || ' to '
                    || cast(horizon.last_target_date as {{ dbt.type_string() }})
            when 'overlapping_scenario_rows'
                then 'a later row of the same scenario and series overlaps it and wins: '
                    || overlap.overlapping_row
            when 'null_key' then 'scenario_name, store_id and item_id are required'
            when 'date_out_of_range' then 'a date is before var min_valid_date'
            else checked.check_reason
        end as reason_detail
    from checked
    cross join horizon
    left join overlap
        on
            checked.source_file = overlap.source_file
            and checked.source_row_number = overlap.source_row_number
)

select * from final
