-- purpose: the import log, newest first, for the Data and definitions page
-- params: none
-- pupil counts: none
-- grain: one row per file of an import run
-- reads: fct_imports

with

import_log as (

    select * from fct_imports

),

final as (

    select
        imported_at,
        file_name,
        table_name,
        rows_read,
        rows_stored,
        outcome,
        warnings,
        errors,
        size_bytes,
        sha256,
        import_id,
    from import_log
    order by imported_at desc, file_name asc

)

select * from final
