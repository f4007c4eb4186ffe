"""The demo school (`school`) and a year of its training history (`history`), seeded by `flask demo`."""
