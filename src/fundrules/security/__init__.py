"""Certificates, signatures, sealed packages and the audit trail (Art. 11, 17-21)."""
