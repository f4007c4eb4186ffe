"""Certificates: PDF drawing (pdf.py) and QR codes (qr.py)."""
