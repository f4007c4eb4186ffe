"""Courses, the attempt lifecycle (start, save, finalise) and a person's training status, over the pure engine."""
