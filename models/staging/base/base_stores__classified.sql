{{ classify_rows(
    parsed_relation=ref('base_stores__parsed'),
    key_columns=['store_id'],
    value_columns=['store_name', 'region', 'city', 'store_type', 'store_size'],
) }}
