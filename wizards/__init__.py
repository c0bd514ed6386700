from . import credit_collection_dispute
from . import credit_collection_promise
from . import credit_collection_send
from . import credit_collection_interest_claim
from . import credit_collection_write_off
from . import credit_collection_review
from . import credit_collection_cost
from . import credit_collection_dashboard
