{{ config(materialized='table') }}

{#- One row per store_id, item_id, period_end_date (a cut-off of int_forecast_cutoffs): the
    price known at the end of the period (the latest change dated on or before it), the
    item's regular price (the highest price of the trailing regular_price_window_periods),
    and what they say about discounts. The table keeps the cut-offs, the rows
    int_forecast_features reads; the windows read the regular-price window before each
    cut-off and every price change. -#}

{%- set regular_window = feature_setting('regular_price_window_periods') %}
{#- Periods before a cut-off that its features read: the regular-price window, and at
    least the previous period (price_change). -#}
{%- set lookback = [regular_window - 1, 1] | max %}

with

cutoffs as (
    select * from {{ ref('int_forecast_cutoffs') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

window_periods as (
    {#- The periods of some cut-off's window. Prices carry forward from changes dated
        outside them (every change is read), so the windows need no other period. -#}
    select distinct spine.period_end_date
    from spine
    inner join cutoffs
        on
            spine.period_end_date <= cutoffs.cutoff_date
            and spine.period_end_date >= {{ add_periods('cutoffs.cutoff_date', -lookback) }}
),

gap_filled as (
    select
        store_id,
        item_id,
        period_end_date
    from {{ ref('int_sales_gap_filled') }}
    where period_end_date in (select window_periods.period_end_date from window_periods)
),

prices as (
    select * from {{ ref('stg_prices') }}
),

changes_by_period as (
    {#- Several changes inside one period: the last one is the price at its end. -#}
    select
        store_id,
        item_id,
        period_end_date,
        price,
        is_promotion
    from (
        select
            store_id,
            item_id,
            {{ period_end_date('effective_date') }} as period_end_date,
            price,
            is_promotion,
            row_number() over (
                partition by store_id, item_id, {{ period_end_date('effective_date') }}
                order by effective_date desc
            ) as change_rank
        from prices
    ) as ranked_changes
    where change_rank = 1
),

carried_in as (
    {#- Prices that took effect before the series' first period still hold at its start. -#}
    select
        gap_filled.store_id,
        gap_filled.item_id,
        gap_filled.period_end_date,
        changes_by_period.price,
        changes_by_period.is_promotion
    from gap_filled
    left join changes_by_period
        on
            gap_filled.store_id = changes_by_period.store_id
            and gap_filled.item_id = changes_by_period.item_id
            and gap_filled.period_end_date = changes_by_period.period_end_date
    union all
    select
        store_id,
        item_id,
        period_end_date,
        price,
        is_promotion
    from changes_by_period
    where not exists (
            select 1
            from gap_filled
            where
                gap_filled.store_id = changes_by_period.store_id
                and gap_filled.item_id = changes_by_period.item_id
                and gap_filled.period_end_date = changes_by_period.period_end_date
        )
),

filled as (
    select
        store_id,
        item_id,
        period_end_date,
        {{ last_value_ignore_nulls("price") }} over (
            partition by store_id, item_id order by period_end_date
            rows between unbounded preceding and current row
        ) as price,
        {{ last_value_ignore_nulls("is_promotion") }} over (
            partition by store_id, item_id order by period_end_date
            rows between unbounded preceding and current row
        ) as is_promotion
    from carried_in
),

with_regular as (
    select
        *,
        max(price) over (
            partition by store_id, item_id order by period_end_date
            rows between {{ regular_window - 1 }} preceding and current row
        ) as regular_price,
        lag(price) over (partition by store_id, item_id order by period_end_date) as previous_price
    from filled
),

{#- One macro derives them, here and for a scenario's price (int_forecast_scenario_features). -#}
{%- set derived = price_derived_features(
    'with_regular.price', 'with_regular.regular_price', 'with_regular.previous_price') %}

final as (
    select
        with_regular.store_id,
        with_regular.item_id,
        with_regular.period_end_date,
        with_regular.price,
        with_regular.regular_price,
        {{ derived['price_relative_to_regular'] }} as price_relative_to_regular,
        {{ derived['price_change'] }} as price_change,
        {{ derived['discount_depth'] }} as discount_depth,
        coalesce(with_regular.is_promotion, false) as is_promotion,
        {{ derived['is_price_cut'] }} as is_price_cut
    from with_regular
    inner join gap_filled
        on
            with_regular.store_id = gap_filled.store_id
            and with_regular.item_id = gap_filled.item_id
            and with_regular.period_end_date = gap_filled.period_end_date
    where with_regular.period_end_date in (select cutoffs.cutoff_date from cutoffs)
)

select * from final
