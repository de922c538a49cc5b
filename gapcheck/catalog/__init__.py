"""The guideline as data: editions of clauses with stable keys (model), the YAML loader, lineage across editions."""
