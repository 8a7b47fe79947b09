"""The teaching networks: threshold units and least squares (``linear``, notebook 01), the
activation curves notebook 02 plots (``slopes``), Keras builders (``models``, notebook 02
onwards) and a NumPy MLP from scratch (``scratch``, notebook 04)."""
