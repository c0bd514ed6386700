# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Give every existing company the default policy (new ones get it on create)."""
    companies = env["res.company"].search([("credit_collection_policy_id", "=", False)])
    companies._create_default_credit_collection_policy()
    env["res.company"].search([])._create_default_credit_collection_plan_templates()
    env["account.move"]._recompute_credit_collection_next_dates()
