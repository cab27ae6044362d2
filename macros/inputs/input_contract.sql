{#
    The input contract: every file the project reads, the canonical columns it maps to,
    and which of them must be present. Users change file paths with the *_path vars and
    column names with the *_columns vars; everything downstream sees canonical names.
#}

{% macro input_contract() %}
    {% set contract = {
        'sales': {
            'format': 'canonical', 'path_var': 'sales_path', 'columns_var': 'sales_columns',
            'required': true,
            'columns': {'sales_date': 'sales_date', 'store_id': 'store_id', 'item_id': 'item_id',
                        'quantity': 'quantity', 'is_holiday': 'is_holiday'},
            'required_columns': ['sales_date', 'store_id', 'item_id', 'quantity'],
        },
        'prices': {
            'format': 'canonical', 'path_var': 'prices_path', 'columns_var': 'prices_columns',
            'required': false,
            'columns': {'effective_date': 'effective_date', 'store_id': 'store_id',
                        'item_id': 'item_id', 'price': 'price', 'is_promotion': 'is_promotion'},
            'required_columns': ['effective_date', 'store_id', 'item_id', 'price'],
        },
        'events': {
            'format': 'canonical', 'path_var': 'events_path', 'columns_var': 'events_columns',
            'required': false,
            'columns': {'event_date': 'event_date', 'event_name': 'event_name',
                        'event_type': 'event_type', 'locale_level': 'locale_level',
                        'locale_name': 'locale_name', 'is_transferred': 'is_transferred'},
            'required_columns': ['event_date', 'event_name'],
        },
        'stores': {
            'format': 'canonical', 'path_var': 'stores_path', 'columns_var': 'stores_columns',
            'required': false,
            'columns': {'store_id': 'store_id', 'store_name': 'store_name', 'region': 'region',
                        'city': 'city', 'store_type': 'store_type', 'store_size': 'store_size'},
            'required_columns': ['store_id'],
        },
        'items': {
            'format': 'canonical', 'path_var': 'items_path', 'columns_var': 'items_columns',
            'required': false,
            'columns': {'item_id': 'item_id', 'item_name': 'item_name',
                        'department_id': 'department_id', 'category_id': 'category_id'},
            'required_columns': ['item_id'],
        },
        'exogenous': {
            'format': 'canonical', 'path_var': 'exogenous_path', 'columns_var': 'exogenous_columns',
            'required': false,
            'columns': {'observation_date': 'observation_date', 'store_id': 'store_id'},
            'required_columns': ['observation_date', 'store_id'],
        },
        'm5_calendar': {
            'format': 'm5', 'path_var': 'm5_calendar_path', 'columns_var': none, 'required': true,
            'columns': {'date': 'date', 'wm_yr_wk': 'wm_yr_wk', 'd': 'd',
                        'event_name_1': 'event_name_1', 'event_type_1': 'event_type_1',
                        'event_name_2': 'event_name_2', 'event_type_2': 'event_type_2'},
            'required_columns': ['date', 'wm_yr_wk', 'd'],
        },
        'm5_sales': {
            'format': 'm5', 'path_var': 'm5_sales_path', 'columns_var': none, 'required': true,
            'columns': {'item_id': 'item_id', 'dept_id': 'dept_id', 'cat_id': 'cat_id',
                        'store_id': 'store_id', 'state_id': 'state_id'},
            'required_columns': ['item_id', 'dept_id', 'cat_id', 'store_id', 'state_id'],
        },
        'm5_prices': {
            'format': 'm5', 'path_var': 'm5_prices_path', 'columns_var': none, 'required': false,
            'columns': {'store_id': 'store_id', 'item_id': 'item_id', 'wm_yr_wk': 'wm_yr_wk',
                        'sell_price': 'sell_price'},
            'required_columns': ['store_id', 'item_id', 'wm_yr_wk', 'sell_price'],
        },
    } %}
    {{ return(contract) }}
{% endmacro %}


{#- The canonical -> file column mapping of one input: defaults overlaid by its var. -#}
{% macro input_columns(input_name) %}
    {% set spec = input_contract()[input_name] %}
    {% set resolved = {} %}
    {% do resolved.update(spec["columns"]) %}
    {% if spec['columns_var'] %}
        {% set overrides = var(spec['columns_var'], {}) or {} %}
        {% if overrides is not mapping %}
            {% do exceptions.raise_compiler_error(
                "var " ~ spec['columns_var'] ~ " must be a mapping {canonical_name: your_column}, got: "
                ~ overrides) %}
        {% endif %}
        {% for key, value in overrides.items() %}
            {% if key not in spec['columns'] and key != 'exclude' %}
                {% do exceptions.raise_compiler_error(
                    "var " ~ spec['columns_var'] ~ " has an unknown key '" ~ key ~ "'. Known keys: "
                    ~ (spec['columns'].keys() | list | join(', '))) %}
            {% endif %}
            {% do resolved.update({key: value}) %}
        {% endfor %}
    {% endif %}
    {{ return(resolved) }}
{% endmacro %}


{#- Whether an input's path var is set (optional inputs may be left empty). -#}
{% macro input_is_provided(input_name) %}
    {% set path = var(input_contract()[input_name]['path_var'], '') %}
    {{ return(path is not none and (path | string | trim) != '') }}
{% endmacro %}


{#- Whether a key column of an input is mapped to a file column; null or '' means the
    input has no such key (sales keyed by store only, a global exogenous series). -#}
{% macro input_key_is_mapped(input_name, canonical) %}
    {% set column = input_columns(input_name)[canonical] %}
    {{ return(column is not none and (column | string | trim) != '') }}
{% endmacro %}


{#- Sales keyed by store only: item_id mapped to null or ''. -#}
{% macro sales_have_item_column() %}
    {{ return(input_key_is_mapped('sales', 'item_id')) }}
{% endmacro %}


{#- A global exogenous file (oil prices, a national index): store_id mapped to null or '';
    its series apply to every store. -#}
{% macro exogenous_have_store_column() %}
    {{ return(input_key_is_mapped('exogenous', 'store_id')) }}
{% endmacro %}
