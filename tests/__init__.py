from . import test_credit_collection_run
from . import test_credit_collection_rules
from . import test_credit_collection_delivery
from . import test_credit_collection_actions
