"""Employer organisations (用人单位)."""
