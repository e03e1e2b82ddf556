"""Open Badges 2.0 and 3.0: documents, keys, signatures, baking and verification of awards."""
