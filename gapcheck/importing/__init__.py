"""A published edition (PDF, Word, text) → a catalog edition: document lines, parsing, linking to the base edition, cross-checking a 新旧対照表."""
