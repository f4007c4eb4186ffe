"""People: accounts and sign-in checks, the rules for a person's fields, users, schools and staff groups, CSV import,
invitations and set-password links."""
