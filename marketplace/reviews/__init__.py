"""Reviews of bookings by each side, hidden from the other until both have written or time passes."""
