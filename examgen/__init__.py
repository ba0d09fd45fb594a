"""examgen: practise for, set and grade exams on neural networks."""
__version__ = "0.1.0"
