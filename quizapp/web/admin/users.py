"""Admin screen: users."""
