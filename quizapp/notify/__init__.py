"""E-mail: building and sending messages, invitations, reset links and reminders."""
