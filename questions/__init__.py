"""The bundled question bank: TOML data files, installed as mockint.questions_bank."""
