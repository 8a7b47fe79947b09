"""Bit parity, XOR applied again and again: recurrent nets that learn it, feed-forward nets
that do not (notebook 06). Import everything from here; the modules are:

- ``recipes``: ``CASE_C`` (case C's recipe) and ``RECIPE`` (ours) as frozen, validated
  dataclasses (``CaseCRecipe``, ``StagedRecipe``), and ``check_stages`` for a curriculum;
- ``rnn``: Keras parity models (``parity_rnn``, ``case_c_model``), their training
  (``train_case_c``, ``fit_stages``, ``train_recipe``) and ``to_plain_encoding``;
- ``evaluate``: the trained weights run in NumPy over the bits (``rnn_states``,
  ``final_probability``, ``final_step_accuracy``), fast even for thousands of steps;
- ``bank``: many LSTM nets, one per seed, trained as one Keras model (``seed_bank``,
  ``train_bank``, ``train_bank_stages``, ``train_case_c_bank``, ``bank_accuracy``, ``bank_memory``,
  ``member_gradient_norms``...);
- ``mlp``: feed-forward nets on n-bit parity (``hand_built_parity``, ``train_parity_mlps``,
  ``parity_gradient_snr``);
- ``plots``: the notebook's figures (``plots.accuracy_bars``, ``plots.flip_flop``,
  ``plots.length_curves``, ``plots.accuracy_vs_bits``).
"""

from . import plots
from .bank import (
    bank_accuracy,
    bank_accuracy_by_length,
    bank_loss,
    bank_memory,
    bank_shape,
    member_gradient_norms,
    member_model,
    members,
    seed_bank,
    set_members,
    train_bank,
    train_bank_stages,
    train_case_c_bank,
)
from .evaluate import final_probability, final_step_accuracy, rnn_states
from .mlp import hand_built_parity, parity_gradient_snr, train_parity_mlps
from .recipes import CASE_C, CELLS, RECIPE, CaseCRecipe, StagedRecipe, check_stages
from .rnn import (
    case_c_model,
    fit_stages,
    parity_rnn,
    to_plain_encoding,
    train_case_c,
    train_recipe,
)

__all__ = ["CASE_C", "CELLS", "RECIPE", "CaseCRecipe", "StagedRecipe", "bank_accuracy",
           "bank_accuracy_by_length", "bank_loss", "bank_memory", "bank_shape", "case_c_model",
           "check_stages", "final_probability", "final_step_accuracy", "fit_stages",
           "hand_built_parity", "member_gradient_norms", "member_model", "members",
           "parity_gradient_snr", "parity_rnn", "plots",
           "rnn_states", "seed_bank", "set_members", "to_plain_encoding", "train_bank",
           "train_bank_stages", "train_case_c", "train_case_c_bank", "train_parity_mlps",
           "train_recipe"]
