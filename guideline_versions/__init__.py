"""The bundled guideline catalog (data only).

Installed as ``gapcheck._editions``; one folder per edition (``YYYY-MM``) holding
``edition.yaml`` and ``clauses.yaml``, plus ``glossary.yaml``. See README.md here.
"""
