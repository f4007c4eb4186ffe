"""Security gates: route access matrix, CSRF on every state-changing route, stored XSS."""
