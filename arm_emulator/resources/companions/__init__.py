"""Companion resources of extension types (Log Analytics, Azure Monitor, Relay, Service Bus, Storage, ...): one
generic resource store, :mod:`.routes`, serving every type declared as data in :mod:`.types`."""
