"""Rules as code. Pure Python: no Django imports here (tests/test_architecture.py checks it), so the
rules can be read, tested and reused on their own. The Django apps feed them data (dated standards,
regional configuration) and store their answers."""
