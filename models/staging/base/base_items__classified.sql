{{ classify_rows(
    parsed_relation=ref('base_items__parsed'),
    key_columns=['item_id'],
    value_columns=['item_name', 'department_id', 'category_id'],
) }}
