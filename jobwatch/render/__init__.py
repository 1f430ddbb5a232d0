"""Everything jobwatch draws: it reads models and poll events, never HTTP."""
