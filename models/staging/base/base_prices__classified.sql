{{ classify_rows(
    parsed_relation=ref('base_prices__parsed'),
    key_columns=['store_id', 'item_id', 'effective_date'],
    value_columns=['price', 'is_promotion'],
    date_column='effective_date',
) }}
