"""Platform core: settings, database, errors, queue, search and the outbox."""
