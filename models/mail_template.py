# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import html
from markupsafe import Markup

from odoo import api, models
from odoo.tools import safe_eval


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        """Reminders of a run are rendered with one compilation of the template.

        Odoo compiles an inline QWeb template once per record (about 20 ms): for
        the thousands of reminders of a daily run, the compilation would cost
        more than everything else. The result is the same as Odoo's."""
        if (
            model != "credit.collection.event"
            or len(res_ids) < 2
            or not template_src
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        variables = self._render_eval_context()
        variables.update(add_context or {})
        ir_qweb = (
            self.env["ir.qweb"].with_context(**(options or {}))
        )._prepare_environment(variables)
        safe_eval.check_values(variables)
        functions, def_name = ir_qweb._compile(
            html.fragment_fromstring(template_src, create_parent="div")
        )
        results = {}
        for record in self.env[model].browse(res_ids):
            rendering = functions[def_name](ir_qweb, dict(variables, object=record))
            # drop the <div> wrapping the template, as Odoo does
            results[record.id] = Markup("".join(rendering))[5:-6]
        return results
