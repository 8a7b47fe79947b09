"""Notebook 04's case study, the dead-ReLU clinic: case E and its fixes (``case_e``), what happens
inside a network (``diagnose``), nets born dead (``born_dead``) and whether dead units revive
(``revival``)."""
