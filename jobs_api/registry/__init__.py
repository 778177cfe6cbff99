"""Student-status registry records (学籍): the source of truth for graduates."""
