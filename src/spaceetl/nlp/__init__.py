"""spaCy pipeline (model + domain components) and the extraction of rows from parsed documents."""
