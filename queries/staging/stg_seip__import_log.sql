-- purpose: the warehouse's import log, as the importer wrote it
-- params: none
-- pupil counts: none
-- grain: one row per file (and, for a workbook, per sheet) of an import run
-- reads: import_log

with

source as (

    select * from import_log

),

final as (

    select
        import_id,
        imported_at,
        file_name,
        table_name,
        size_bytes,
        sha256,
        rows_read,
        rows_stored,
        outcome,
        warnings,
        errors,
    from source

)

select * from final
