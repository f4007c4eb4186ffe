"""Admin screen: courses."""
