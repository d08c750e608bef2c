-- purpose: every file an import run read, with what became of it, for the Data and definitions page
-- params: none
-- pupil counts: none
-- grain: one row per file (and, for a workbook, per sheet) of an import run
-- reads: stg_seip__import_log

with

import_log as (

    select * from stg_seip__import_log

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
    from import_log

)

select * from final
