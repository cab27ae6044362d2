{#- Events carry no as-of cut-off: a calendar of future holidays is known in advance. -#}
{{ classify_rows(
    parsed_relation=ref('base_events__parsed'),
    key_columns=['event_date', 'event_name'],
    value_columns=['event_type'],
) }}
