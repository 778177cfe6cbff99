"""Accounts, roles and scopes; authentication (tokens) and the access rules routes declare."""
