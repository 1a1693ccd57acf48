"""Intake → first program: the intake pages (coach form, one-time invite link), the choice of
the best-fitting template (templates.py, pure) and the first program's generation run."""
