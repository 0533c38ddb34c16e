# SPDX-License-Identifier: Apache-2.0
"""The flow: builds and runs simulations and collects their results (imports spec and bench)."""
