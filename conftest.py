"""Repository-wide pytest settings, applied whenever pytest runs from the root."""

from xorhelpers import portable

# The same NumPy and TensorFlow kernels on every processor, in pytest's process and in every
# kernel it starts (they inherit the environment); the rule lives in xorhelpers/portable.py.
portable.set_rule_variables()


def pytest_collectstart(collector):
    """Do not compare stderr of notebook cells: TensorFlow writes unstable noise there."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
