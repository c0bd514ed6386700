from . import credit_collection_dispute
from . import credit_collection_promise
from . import credit_collection_send
from . import credit_collection_interest_claim
