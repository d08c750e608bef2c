"""Report packs for board meetings: a PDF and a GSS-style workbook of what a role's pages show.

`pack.build` reads every figure through the gate (`dashboard.access`), so a report holds only
what that viewer's pages would; `pdf.render` (charts drawn by `images`, laid out by `typeset`)
and `workbook.write` turn packs into files; `run.report` does it with the audit entry, for the
CLI (`run.command`) and the app.
"""
