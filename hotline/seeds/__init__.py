"""Demo city seed data (YAML) and the functions that load it."""
