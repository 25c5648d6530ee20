// Placeholder until the PolicyYAML module lands.
