"""The write path of the evidence (evidence.py) and of reflection sessions (sessions.py)."""
