# SPDX-License-Identifier: Apache-2.0
"""The reports: what a regression's runs left behind, merged and rendered (imports any layer)."""
