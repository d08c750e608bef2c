"""The dashboard's pages: one script per question a user asks. The router (`dashboard/app.py`)
runs each as a Streamlit page; each defines `render()` and calls it only when run as a page,
so importing one does no work."""
