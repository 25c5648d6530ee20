// Placeholder until the PolicyRules module lands.
