// Placeholder until the PolicyForest module lands.
