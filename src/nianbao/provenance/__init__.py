"""What each report was made from and of: inputs, environment, manifest, signed statements, the ledger."""
