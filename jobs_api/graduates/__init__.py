"""Graduate accounts and profiles, linked to registry records."""
