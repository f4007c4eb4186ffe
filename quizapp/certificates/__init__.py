"""Certificates: issued on a pass (issue), drawn as PDF with a QR code and logo (pdf, qr, logo), checked by anyone
(verify, status), searched, revoked and reissued (search, manage), and downloaded in bulk as a ZIP (bulk)."""
