"""智能填单: fields filled from a caller's words (rules over the text, the city's gazetteer), and their measurement."""
