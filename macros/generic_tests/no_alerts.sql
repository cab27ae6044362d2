{#- Gate: fails with one row per alert of the given severity in a monitoring_alerts-like
    model; with current_run_only, only the alerts of this run (the invocation_id of
    stg_run_context, which monitoring_alerts stamps on its rows): a history table such as
    alert_history keeps earlier runs' alerts, which must not stop this run. Give the test
    the same dbt severity (warn / error), so an error-level alert stops dbt build before
    anything downstream (publishing) runs. stg_run_context is named beside the model, not
    ref'd: a ref would make dbt's eager indirect selection pick this test in any build
    that selects stg_run_context, also where the history table is not built. -#}
{% test no_alerts(model, alert_severity, current_run_only=false) %}
    select *
    from {{ model }}
    where
        severity = '{{ alert_severity }}'
        {%- if current_run_only %}
            {%- set run_context = api.Relation.create(
                database=model.database, schema=model.schema, identifier='stg_run_context') %}
            and invocation_id = (select invocation_id from {{ run_context }})
        {%- endif %}
{% endtest %}
