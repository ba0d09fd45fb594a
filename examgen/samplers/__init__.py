"""Sampling code that several problems share (networks, sequences, layouts): ordinary modules,
imported normally by the problems' draw() functions. No randomness lives here beyond the
`examgen.sampling.Draw` each function is given."""
