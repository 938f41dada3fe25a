"""Need adverts: a holder asks for a personal assistant, and explainable matching both ways."""
