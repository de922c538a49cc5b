"""Writers for what people read: the audit's, diff's and survey's workbooks and HTML pages, and the shared Excel/HTML helpers."""
