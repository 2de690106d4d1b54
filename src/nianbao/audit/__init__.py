"""Verify reports against their provenance and re-execute them."""
