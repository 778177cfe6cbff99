"""Realistic demo data: real universities, graduates with registry records, employers, jobs.

Entry point: :func:`jobs_api.demo.generator.generate_demo` (``gradmatch demo``).
"""
