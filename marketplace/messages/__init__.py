"""Message threads between the people arranging support (a holder's side and a PA or provider)."""
