// Placeholder until the PolicyServer module lands.
