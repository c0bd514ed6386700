from . import payment
