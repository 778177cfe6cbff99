"""Job postings, their search documents and index upkeep."""
