"""Routing settings: recipient classes, the policy table, transports and explanation texts."""

from __future__ import annotations

from pydantic import BaseModel

from gateway.config_paths import STRICT


class RoutingSettings(BaseModel):
    model_config = STRICT

    internal_domains: tuple[str, ...] = ("skole.example",)
    partner_domains: tuple[str, ...] = ()
