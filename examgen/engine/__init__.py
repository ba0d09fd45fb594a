"""The reference engine: small pure functions, one module per topic of the course.

Every function works on float NumPy arrays (drill instances, user-given decimals) and on
object arrays of SymPy numbers (exam instances), so that exam answers come out exact
(`3/4`, `ln(2)`). Nothing here does I/O or draws random numbers.
"""
