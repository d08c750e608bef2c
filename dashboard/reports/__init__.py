"""Report packs for board meetings: a PDF and a GSS-style workbook of what a role's pages show.

`pack.build` reads every figure through the gate (`dashboard.access`), so a report holds only
what that viewer's pages would; `pdf.write` and `workbook.write` turn one pack into a file;
`run.write_report` does both with the audit entry, for the CLI and the app.
"""
