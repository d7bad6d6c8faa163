"""Unified identity: residents, households, one-cards, staff, tokens, audit."""

from channel_core.identity import service
from channel_core.identity.models import Card, Household, Resident, StaffUser

__all__ = ["Card", "Household", "Resident", "StaffUser", "service"]
