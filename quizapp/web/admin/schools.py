"""Admin screen: schools."""
