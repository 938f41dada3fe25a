"""Bookings of accepted quotes and fixed-price offers, their sessions, and the budget ledger."""
