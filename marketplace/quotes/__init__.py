"""Quotes: ask providers and PAs what a plan line would cost, compare, negotiate, accept."""
