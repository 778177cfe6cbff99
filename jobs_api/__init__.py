"""gradmatch service: platform core, the jobs/people domain and the composition root."""
