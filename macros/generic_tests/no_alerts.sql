{#- Gate: fails with one row per alert of the given severity in a monitoring_alerts-like
    model. Give the test the same dbt severity (warn / error), so an error-level alert
    stops dbt build before anything downstream (publishing) runs. -#}
{% test no_alerts(model, alert_severity) %}
    select *
    from {{ model }}
    where severity = '{{ alert_severity }}'
{% endtest %}
