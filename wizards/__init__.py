from . import credit_collection_dispute
from . import credit_collection_promise
from . import credit_collection_send
