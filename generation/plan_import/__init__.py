"""Free-text plan import: the grammar (programs/catalog/plaintext) and, for what it cannot read,
the LLM; one service that chooses between them, enforces the limits and logs every parse."""
