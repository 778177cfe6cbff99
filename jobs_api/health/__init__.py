"""Health of the service and of each backend it runs on."""
