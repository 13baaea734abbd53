"""peerbot: a Telegram bot for peer support services in mental health."""

__version__ = "0.1.0"
