"""Push notifications of matching jobs: fan-out on publish, daily digests, channels."""
