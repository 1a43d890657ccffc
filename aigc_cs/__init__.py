"""aigc-cs: 网店客服 AIGC 话术工坊."""

__version__ = "0.1.0"
