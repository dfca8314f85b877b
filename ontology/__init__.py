"""The kg ontology (Turtle files), importable so that an installed wheel carries it."""
