from . import test_credit_collection_run
from . import test_credit_collection_rules
from . import test_credit_collection_delivery
from . import test_credit_collection_actions
from . import test_credit_collection_costs
from . import test_ledger_replay
from . import test_credit_collection_i18n
from . import test_credit_collection_link
