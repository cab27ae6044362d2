{{ config(
    materialized='incremental',
    unique_key=['invocation_id', 'algorithm'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

{#- What each run decided for each algorithm, and why: trained_and_promoted,
    trained_challenger_kept_champion, reused or pinned, with the reasons and the version
    that scored; untrained (no version, int_training_history's message as the reason)
    when the history is too short to train. One row per dbt invocation and algorithm;
    kept across runs. -#}

with

registry as (
    select * from {{ ref('model_registry') }}
),

run_context as (
    select * from {{ ref('stg_run_context') }}
),

training_history as (
    select * from {{ ref('int_training_history') }}
),

algorithms as (
    select 'xgboost' as algorithm
    union all
    select 'prophet' as algorithm
),

decided as (
    select
        run_context.invocation_id,
        registry.algorithm,
        run_context.as_of_date,
        run_context.run_started_at,
        registry.last_decision as decision,
        registry.last_decision_reasons as reasons,
        registry.model_version as scoring_model_version,
        registry.status as scoring_model_status,
        registry.promotion_decision
    from registry
    inner join run_context
        on registry.last_decision_invocation_id = run_context.invocation_id
    where registry.last_decision is not null
),

untrained as (
    select
        run_context.invocation_id,
        algorithms.algorithm,
        run_context.as_of_date,
        run_context.run_started_at,
        'untrained' as decision,
        training_history.history_message as reasons,
        cast(null as {{ dbt.type_string() }}) as scoring_model_version,
        cast(null as {{ dbt.type_string() }}) as scoring_model_status,
        cast(null as {{ dbt.type_string() }}) as promotion_decision
    from training_history
    cross join run_context
    cross join algorithms
    where not training_history.has_enough_history
),

final as (
    select * from decided
    union all
    select * from untrained
)

select * from final
