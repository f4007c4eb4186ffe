"""Admin screen: settings."""
