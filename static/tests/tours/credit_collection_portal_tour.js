/** @odoo-module **/
// Copyright 2026 account_credit_collection authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("credit_collection_portal_plan", {
    url: "/my/collection",
    steps: () => [
        {
            content: "Ask for a payment plan",
            trigger: "a.o_cc_request_plan",
            run: "click",
        },
        {
            content: "Both overdue invoices are selected",
            trigger: "input[name='invoice_ids']:checked:eq(1)",
        },
        {
            content: "Choose the first plan offered",
            trigger: "input[name='template_id']:first",
            run: "click",
        },
        {
            content: "See the schedule",
            trigger: "button.o_cc_preview_plan",
            run: "click",
        },
        {
            content: "The schedule is shown before accepting",
            trigger: "table.o_cc_schedule tbody tr:eq(2)",
        },
        {
            content: "Type the name that accepts the terms",
            trigger: "input#signed_name",
            run: "edit Mario Rossi",
        },
        {
            content: "Accept",
            trigger: "button.o_cc_accept_plan",
            run: "click",
        },
        {
            content: "The plan is active",
            trigger: ".o_cc_done:contains('is active')",
        },
        {
            content: "Back to the amounts due",
            trigger: "a[href^='/my/collection']:contains('Back to amounts due')",
            run: "click",
        },
        {
            content: "The plan is listed with its next installment",
            trigger: ".o_cc_plan button.o_cc_pay_installment",
        },
    ],
});

registry.category("web_tour.tours").add("credit_collection_portal_pay_installment", {
    url: "/my/collection",
    steps: () => [
        {
            content: "Pay the plan's next installment",
            trigger: ".o_cc_plan button.o_cc_pay_installment",
            run: "click",
        },
        {
            content: "Odoo's payment page: choose the demo provider",
            trigger: "input[name='o_payment_radio'][data-payment-method-code='demo']",
            run: "click",
        },
        {
            content: "Card number (test data)",
            trigger: "input[name='customer_input']",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:not(:disabled)",
            run: "click",
        },
        {
            content: "Back on the payment link: the installment is paid",
            trigger: ".o_credit_collection_payment_status [name='paid']",
            timeout: 30000,
        },
    ],
});
