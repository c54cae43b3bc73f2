from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "convene.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The once-only middleware (core) keys API retries by the token's user; core
        # cannot import this app, so the token check is handed to it here.
        from convene.api.services import api_token_authenticate
        from convene.core.once_middleware import register_token_user

        def token_user_id(raw: str) -> int | None:
            token = api_token_authenticate(raw=raw)
            return token.user_id if token is not None else None

        register_token_user(token_user_id)

        from convene.api import webhooks

        webhooks.connect()
