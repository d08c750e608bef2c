"""The dashboard's pages: one module per question a user asks, each with a `render()` that the
router (`dashboard/app.py`) runs. Importing a page does no work."""
