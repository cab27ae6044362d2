{#- Every model version of every algorithm, without the artifact blobs (their sizes
    instead): what analysts and BI tools read. One row per model_version. -#}

with

xgboost as (
    select * from {{ ref('registry_xgboost') }}
),

prophet as (
    select * from {{ ref('registry_prophet') }}
),

unioned as (
    select * from xgboost
    union all
    select * from prophet
),

final as (
    select
        model_version,
        algorithm,
        status,
        config_json,
        features_json,
        contract_hash,
        data_fingerprint,
        training_start_date,
        training_end_date,
        as_of_date,
        trained_at,
        trained_invocation_id,
        backtest_origins_json,
        backtest_wape,
        backtest_metrics_json,
        artifact_format,
        octet_length(artifact) as artifact_bytes,
        training_reasons,
        promotion_decision,
        last_decision,
        last_decision_reasons,
        last_decision_as_of_date,
        last_decision_invocation_id
    from unioned
)

select * from final
