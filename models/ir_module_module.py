# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _update_translations(self, filter_lang=None, overwrite=False):
        """A language installed after the module also names the shipped policy,
        levels and plan templates (records made in code, not data files)."""
        res = super()._update_translations(filter_lang=filter_lang, overwrite=overwrite)
        langs = filter_lang or [
            code for code, _name in self.env["res.lang"].get_installed()
        ]
        if isinstance(langs, str):
            langs = [langs]
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("credit_collection_policy_id", "!=", False)])
        )
        companies._translate_default_credit_collection_names(langs)
        return res
