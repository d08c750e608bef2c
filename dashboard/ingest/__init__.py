"""Reading partnership exports and DfE reference files: normalise, validate, collect every problem."""
