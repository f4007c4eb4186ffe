"""Admin screen: certificates."""
