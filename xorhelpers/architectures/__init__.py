"""Notebook 05's case study, broken architectures: the doctor that names a Keras model's faults
(``doctor``, ``doctor_checks``, ``doctor_input``) and case A (``case_a``, ``case_a_recipe``,
``shared_diagram``)."""
