"""Bot-account methods: identity, webhook, command menus, chat actions.

Split from ``methods`` (messages and files) only to keep modules small;
``BotApiMethods`` owns the state these read and write.
"""

from __future__ import annotations

from typing import Any

from .models import ApiError, PendingUpdate, Upload
from .params import canonical_scope, check_commands, require_chat_id


class AccountMethods:
    """Handlers that concern the bot account rather than single messages."""

    bot_id: int
    bot_first_name: str
    bot_username: str
    webhook_url: str
    webhook_secret: str = ""
    _updates: list[PendingUpdate]
    _commands: dict[tuple[str, str], list[dict[str, Any]]]

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _get_me(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _set_webhook(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        self.webhook_url = str(p.get("url") or "")
        self.webhook_secret = str(p.get("secret_token") or "")
        return True

    def _delete_webhook(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        self.webhook_url = ""
        self.webhook_secret = ""
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _send_chat_action(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        require_chat_id(p)
        if not p.get("action"):
            raise ApiError(400, "Bad Request: action is empty")
        return True

    def _commands_key(self, p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope")
        if scope is not None and not isinstance(scope, dict):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        return canonical_scope(scope), str(p.get("language_code") or "")

    def _set_my_commands(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        self._commands[self._commands_key(p)] = check_commands(p.get("commands"))
        return True

    def _get_my_commands(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        return list(self._commands.get(self._commands_key(p), []))

    def _delete_my_commands(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        self._commands.pop(self._commands_key(p), None)
        return True
