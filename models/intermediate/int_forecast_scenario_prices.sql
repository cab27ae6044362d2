{#
    The price features of the scoring rows under each what-if scenario
    (stg_forecast_scenarios): one row per scenario_name and scoring row of
    int_forecast_features (store_id, item_id, cutoff_date, horizon_step). A row is in a
    window when its target_date lies in [start_date, end_date] of a scenario row of its
    series (is_overridden): its price features are the scenario's. Every other row keeps
    the values of int_forecast_features, so that fct_forecast_scenarios re-scores it to
    its base forecast (lift 0). Narrow: fct_forecast_scenarios puts these columns in place
    of int_forecast_features' own.

    The price features are the prices known at the cut-off (int_price_features), which
    the model learned to read as the price of the coming periods: a scenario says what
    that price is instead. Set: price (the scenario's, when given) and is_promotion (the
    scenario's, when given). Recomputed from them by the macro int_price_features uses
    (price_derived_features): price_relative_to_regular, price_change (against the price
    of the period before the cut-off, price - price_change), discount_depth and
    is_price_cut. Kept: regular_price (the highest price of the trailing window known at
    the cut-off: a scenario does not rewrite the past), and every other feature.
#}

{%- set derived = price_derived_features(
    'with_prices.scenario_row_price', 'with_prices.regular_price', 'with_prices.previous_price') %}

with

features as (
    select * from {{ ref('int_forecast_features') }}
),

scenarios as (
    select * from {{ ref('stg_forecast_scenarios') }}
),

scoring_rows as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        price,
        regular_price,
        price_relative_to_regular,
        price_change,
        discount_depth,
        is_promotion,
        is_price_cut
    from features
    where is_scoring_row
),

scenario_names as (
    select distinct scenario_name
    from scenarios
),

per_scenario as (
    select
        scenario_names.scenario_name,
        scenarios.price as scenario_price,
        scenarios.is_promotion as scenario_is_promotion,
        scenarios.scenario_name is not null as is_overridden,
        scoring_rows.*
    from scoring_rows
    cross join scenario_names
    left join scenarios
        on
            scenario_names.scenario_name = scenarios.scenario_name
            and scoring_rows.store_id = scenarios.store_id
            and scoring_rows.item_id = scenarios.item_id
            and scoring_rows.target_date between scenarios.start_date and scenarios.end_date
),

with_prices as (
    select
        *,
        case
            when is_overridden then coalesce(scenario_price, price) else price
        end as scenario_row_price,
        case
            when is_overridden then coalesce(scenario_is_promotion, is_promotion) else is_promotion
        end as scenario_row_is_promotion,
        price - price_change as previous_price
    from per_scenario
),

final as (
    select
        with_prices.scenario_name,
        with_prices.store_id,
        with_prices.item_id,
        with_prices.cutoff_date,
        with_prices.horizon_step,
        with_prices.target_date,
        with_prices.is_overridden,
        with_prices.scenario_price,
        with_prices.scenario_is_promotion,
        with_prices.scenario_row_price as price,
        with_prices.regular_price,
        case
            when with_prices.is_overridden then {{ derived['price_relative_to_regular'] }}
            else with_prices.price_relative_to_regular
        end as price_relative_to_regular,
        case
            when with_prices.is_overridden then {{ derived['price_change'] }}
            else with_prices.price_change
        end as price_change,
        case
            when with_prices.is_overridden then {{ derived['discount_depth'] }}
            else with_prices.discount_depth
        end as discount_depth,
        with_prices.scenario_row_is_promotion as is_promotion,
        case
            when with_prices.is_overridden then {{ derived['is_price_cut'] }}
            else with_prices.is_price_cut
        end as is_price_cut
    from with_prices
)

select * from final
