"""Admin screen: banks."""
