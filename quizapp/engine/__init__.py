"""The pure quiz domain: question types and grading, access rules, timing and drawing. No Flask, no database."""
