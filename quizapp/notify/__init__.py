"""E-mail: building and sending messages (mail, messages) and planning and sending reminders (reminders)."""
