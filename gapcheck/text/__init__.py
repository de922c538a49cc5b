"""Japanese text: normalisation for matching, clause numbering, 和暦 dates, plain-language checks, display widths."""
