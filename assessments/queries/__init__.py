"""Reads of the evidence (evidence.py), reflection sessions (sessions.py) and an
organisation's whole record (organisation.py), each in a fixed number of queries."""
