"""Many bodies at once: the national catch-up survey, its SQLite archive, and the master of local bodies."""
