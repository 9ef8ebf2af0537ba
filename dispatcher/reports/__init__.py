"""Reports from the store: handover, periodic and drill reports as Markdown, CSV or JSON."""
