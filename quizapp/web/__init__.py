"""Blueprints by audience: auth, staff, dsl, admin and public."""
