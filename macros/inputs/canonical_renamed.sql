{#- The canonical-format branch of a base_*__parsed model, written once: the raw file's
    import CTE (`source`) and the `renamed` CTE holding its source position, whether the
    row has fields past the header (has_extra_fields), and every contract column of the
    input (macro input_contract) as raw_<canonical name>: the file column its *_columns
    var maps it to, or null where the file lacks that column.
    replaced: {canonical name: SQL expression} used instead of the file column (sales
    keyed by store only get the var store_only_item_id as their item).
    extra_columns: {alias: SQL expression} added to `renamed` (columns only the other
    input format fills, null here).
    Ends with a comma: the model's `cleaned` CTE follows. -#}
{% macro canonical_renamed(input_name, replaced={}, extra_columns={}) %}
{%- set columns = input_columns(input_name) %}
source as (
    select * from {{ source('raw', input_name) }}
),

renamed as (
    select
        _source_file as source_file,
        _source_row_number as source_row_number,
        {{ has_extra_fields(input_name) }} as has_extra_fields,
        {%- for alias, expression in extra_columns.items() %}
        {{ expression }} as {{ alias }},
        {%- endfor %}
        {%- for canonical in input_contract()[input_name]['columns'] %}
        {{ replaced.get(canonical) or raw_column_or_null(input_name, columns[canonical]) }}
            as raw_{{ canonical }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source
),
{%- endmacro %}
