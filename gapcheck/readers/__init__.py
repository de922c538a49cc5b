"""A municipality's own policy (spreadsheet, Word, PDF or 例規 text) → policy rows with their provenance."""
