"""Compliance: status per person x course, the matrix and its exports."""
