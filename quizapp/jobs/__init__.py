"""The task queue (Huey) and its periodic tasks: mail from the outbox, expired attempts, the daily jobs."""
