"""Production settings: secrets come from the environment with no defaults."""
from config.settings.base import *  # noqa: F403
from config.settings.base import ALLOWED_HOSTS, env

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Required: no default, as for the secret key (generate one with
# python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").
PARTNER_KEY_ENCRYPTION_KEYS = env.list("ALPR_PARTNER_KEY_ENCRYPTION_KEYS")
# Passkeys belong to the site's own host name, over https, unless the environment names another.
_SITE_HOSTS = [host for host in ALLOWED_HOSTS if not host.startswith((".", "*"))]
OTP_WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", default=_SITE_HOSTS[0] if _SITE_HOSTS else "localhost")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ALLOWED_ORIGINS",
                                        default=[f"https://{host}" for host in _SITE_HOSTS])
