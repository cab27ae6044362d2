{{ classify_rows(
    parsed_relation=ref('base_sales__parsed'),
    key_columns=['store_id', 'item_id', 'sales_date'],
    value_columns=['quantity', 'is_holiday'],
    date_column='sales_date',
    flag_sparse_tail=true,
) }}
