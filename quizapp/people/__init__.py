"""Operations on people: users, schools and staff groups, CSV import, and set-password links."""
