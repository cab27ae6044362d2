{#- Events carry no as-of cut-off: a calendar of future holidays is known in advance. An
    event of one name on one date may be celebrated in several places: the locale is part
    of the key. -#}
{{ classify_rows(
    parsed_relation=ref('base_events__parsed'),
    key_columns=['event_date', 'event_name', 'locale_level', 'locale_name'],
    value_columns=['event_type', 'is_transferred'],
) }}
