from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiToken


class UserTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with a personal token, stored hashed, revocable."""

    def authenticate_credentials(self, key):
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True).first())
        if token is None or not token.user.is_usable:
            raise AuthenticationFailed("Invalid or revoked token.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
