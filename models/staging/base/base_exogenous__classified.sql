{{ classify_rows(
    parsed_relation=ref('base_exogenous__parsed'),
    key_columns=['store_id', 'observation_date', 'variable_name'],
    value_columns=['observed_value'],
    date_column='observation_date',
) }}
