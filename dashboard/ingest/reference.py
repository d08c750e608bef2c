"""DfE open-data reference files: recognised by header, loaded as benchmark tables."""

# Filled in by the reference-data work: CREATE TABLE statements for the ref_* tables.
DDL: tuple[str, ...] = ()
