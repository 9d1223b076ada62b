"""Results folders (a run, a comparison, a journey), their figures and maps; written whole or not at all."""
